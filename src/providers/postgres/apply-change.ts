import { RejectedError } from '../../core/errors.js';
import type { Change } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import type { ApplyContext, Parts } from './apply.js';
import { MISSING_STATES, sqlState, toPostgresError } from './errors.js';
import { kindOf } from './kinds/index.js';
import { isKindName, LAYOUT, parseName, type KindName, type NameParts } from './names.js';
import type { Scope } from './scope.js';

function parse(kind: KindName, name: string, resource: string): Parts {
  const parts = parseName(kind, name);
  if (typeof parts === 'string') throw new RejectedError(parts, { resource });
  return parts as Parts;
}

/** Why this target must not touch an object the name refers to, or undefined. */
export function scopeProblem(scope: Scope, kind: KindName, parts: NameParts): string | undefined {
  const inDatabase = kindOf(kind).inDatabase;
  for (const part of LAYOUT[kind]) {
    const value = parts[part]!;
    const problem =
      part === 'database'
        ? inDatabase
          ? scope.contentProblem(value)
          : scope.databaseProblem(value)
        : part === 'schema'
          ? scope.schemaProblem(value)
          : scope.roleProblem(value);
    if (problem) return problem;
  }
  return undefined;
}

/** Make one change real, idempotently. Throws typed errors naming the target and resource. */
export async function applyChange(ctx: ApplyContext, change: Change): Promise<void> {
  const resource = resourceKey(change);
  if (!isKindName(change.kind)) throw new RejectedError(`postgres has no kind ${change.kind}`, { resource });
  const kind = change.kind;
  const parts = parse(kind, change.name, resource);
  const from = change.action === 'rename' && change.fromName !== undefined ? parse(kind, change.fromName, resource) : undefined;
  for (const p of [parts, from]) {
    const problem = p && scopeProblem(ctx.scope, kind, p);
    if (problem) throw new RejectedError(`postgres target "${ctx.connection.target}": ${problem}; ${resource} is not changed.`, { resource });
  }
  try {
    await kindOf(kind).apply(ctx, change, parts, from);
  } catch (error) {
    // A deletion whose object (or the role, schema, database it hangs on) is gone is done.
    if (change.action === 'delete' && MISSING_STATES.has(sqlState(error) ?? '')) return;
    throw toPostgresError(error, ctx.connection, { while: `${change.action} of ${resource}`, resource });
  }
}
