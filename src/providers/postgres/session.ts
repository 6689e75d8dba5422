import { readError } from '../../core/errors.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { Change, ReadFailure } from '../../core/plan-types.js';
import type { ProviderSession, ReadAllResult, ReadResult } from '../../core/provider.js';
import type { ActualResource, DesiredResource, ResourceRef } from '../../core/resource.js';
import type { ApplyContext } from './apply.js';
import { applyChange, scopeProblem } from './apply-change.js';
import { readCatalog, type CatalogNeeds } from './catalog.js';
import { kindOf } from './kinds/index.js';
import { isKindName, joinName, KIND, parseName, type KindName, type NameParts } from './names.js';
import { postgresReadError } from './errors.js';
import { LiveState } from './read.js';
import type { Database, Role, Schema } from './schema.js';

function needsFor(kinds: ReadonlySet<KindName>, contents: CatalogNeeds['contents']): CatalogNeeds {
  const flags = [...kinds].map((k) => kindOf(k).needs);
  const any = (flag: keyof (typeof flags)[number]) => flags.some((f) => f[flag] === true);
  return { memberships: any('memberships'), databases: any('databases'), contents, tables: any('tables'), defaults: any('defaults') };
}

const inDatabase = (kind: KindName) => kindOf(kind).inDatabase;

const key = (kind: string, name: string) => `${kind}\u0000${name}`;

/** One target (a PostgreSQL cluster reached through one connection string) for one job. */
export class PostgresSession implements ProviderSession {
  /** Changes run one at a time: concurrent GRANTs on one object fail with "tuple concurrently updated". */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: ApplyContext) {}

  private get target(): string {
    return this.ctx.connection.target;
  }

  async read(refs: ResourceRef[]): Promise<ReadResult[]> {
    const results: ReadResult[] = refs.map((ref) => ({ ref }));
    const wanted: { index: number; kind: KindName; parts: Required<NameParts> }[] = [];
    const kinds = new Set<KindName>();
    const databases = new Set<string>();
    refs.forEach((ref, index) => {
      if (!isKindName(ref.kind)) return void (results[index]!.error = readError('configuration', `postgres has no kind ${ref.kind}`));
      const parts = parseName(ref.kind, ref.name);
      if (typeof parts === 'string') return void (results[index]!.error = readError('configuration', parts));
      const problem = scopeProblem(this.ctx.scope, ref.kind, parts);
      if (problem) return void (results[index]!.error = readError('configuration', `postgres target "${this.target}": ${problem}`));
      wanted.push({ index, kind: ref.kind, parts: parts as Required<NameParts> });
      kinds.add(ref.kind);
      if (inDatabase(ref.kind)) databases.add(parts.database!);
    });
    if (wanted.length === 0) return results;

    let catalog;
    try {
      catalog = await readCatalog(this.ctx.connection, this.ctx.scope, needsFor(kinds, databases));
    } catch (error) {
      const reason = postgresReadError(error);
      for (const { index } of wanted) results[index]!.error = reason;
      return results;
    }
    const state = new LiveState(catalog, this.ctx.scope, this.target);
    const live = new Map<string, ActualResource>();
    for (const kind of kinds) for (const resource of kindOf(kind).readAll(state)) live.set(key(kind, resource.name), resource);
    for (const { index, kind, parts } of wanted) {
      const result = results[index]!;
      const contents = inDatabase(kind) ? catalog.contents.get(parts.database) : undefined;
      if (contents && 'error' in contents) {
        result.error = contents.error;
        continue;
      }
      const actual = live.get(key(kind, result.ref.name)) ?? kindOf(kind).readMissing?.(state, parts);
      if (actual) result.actual = actual;
    }
    return results;
  }

  async readAll(requested: string[]): Promise<ReadAllResult> {
    const kinds = new Set(requested.filter(isKindName));
    const contentKinds = [...kinds].filter(inDatabase);
    let catalog;
    try {
      catalog = await readCatalog(this.ctx.connection, this.ctx.scope, needsFor(kinds, contentKinds.length > 0 ? 'all' : new Set()));
    } catch (error) {
      const reason = postgresReadError(error);
      return { resources: [], failures: [...kinds].map((kind) => ({ kind, target: this.target, name: '*', ...reason })) };
    }
    const state = new LiveState(catalog, this.ctx.scope, this.target);
    const failures: ReadFailure[] = [];
    for (const [database, contents] of catalog.contents) {
      if (!('error' in contents)) continue;
      for (const kind of contentKinds) failures.push({ kind, target: this.target, name: `${joinName([database])}/*`, ...contents.error });
    }
    return { resources: [...kinds].flatMap((kind) => kindOf(kind).readAll(state)), failures };
  }

  apply(change: Change): Promise<void> {
    const run = this.queue.then(async () => {
      await applyChange(this.ctx, change);
      this.ctx.log.debug({ kind: change.kind, name: change.name, action: change.action }, 'postgres change applied');
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Checks that need no query: reach of every name, password variables, schema renames, grants to owners. */
  async validate(resources: DesiredResource[]): Promise<Diagnostic[]> {
    const diagnostics: Diagnostic[] = [];
    const owners = new Map<string, string>();
    for (const r of resources) {
      if ((r.kind === KIND.database || r.kind === KIND.schema) && (r.spec as Database | Schema).owner !== undefined) {
        owners.set(key(r.kind, r.name), (r.spec as Database | Schema).owner!);
      }
    }
    for (const r of resources) {
      if (!isKindName(r.kind) || r.target !== this.target) continue;
      const label = `${r.kind}/${r.name}`;
      const report = (severity: Diagnostic['severity'], code: string, message: string) =>
        diagnostics.push({ severity, code, message: `${label}: ${message}`, location: r.source, resource: label });
      for (const name of [r.name, ...r.previousNames]) {
        const parts = parseName(r.kind, name);
        if (typeof parts === 'string') continue; // the loader reports bad names
        const problem = scopeProblem(this.ctx.scope, r.kind, parts);
        if (problem) report('error', 'postgres.out-of-scope', `${problem} (postgres target "${this.target}").`);
        if (r.kind === KIND.schema && name !== r.name) {
          const current = parseName(r.kind, r.name);
          if (typeof current !== 'string' && current.database !== parts.database) {
            report('error', 'postgres.rename-across-databases', `a schema cannot move to another database (previous name "${name}").`);
          }
        }
      }
      const spec = r.spec as Role;
      if (r.kind === KIND.role && spec.passwordFromEnv && !this.ctx.env[spec.passwordFromEnv]) {
        report('error', 'postgres.password-env-missing', `environment variable ${spec.passwordFromEnv} is not set for postgres target "${this.target}".`);
      }
      if (r.kind === KIND.databaseGrant || r.kind === KIND.schemaGrant) {
        const parts = parseName(r.kind, r.name);
        if (typeof parts === 'string') continue;
        const object = r.kind === KIND.databaseGrant ? key(KIND.database, joinName([parts.database!])) : key(KIND.schema, joinName([parts.database!, parts.schema!]));
        if (owners.get(object) === parts.grantee) {
          report('warning', 'postgres.grant-to-owner', `"${parts.grantee}" owns the object and holds every privilege on it already; this grant is never read back.`);
        }
      }
    }
    return diagnostics;
  }

  async close(): Promise<void> {
    await this.ctx.connection.close();
  }
}
