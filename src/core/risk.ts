import type { Change } from './plan-types.js';
import type { ResourceKind } from './provider.js';
import { resourceKey } from './resource.js';

/**
 * How much care a change needs from a reviewer:
 * - `routine`: nothing is removed, exposed or granted beyond what the kind normally does;
 * - `sensitive`: access widens or a protection weakens (an admin grant, a public repository);
 * - `destructive`: something is removed or made unusable (a deletion, archiving).
 */
export type RiskLevel = 'routine' | 'sensitive' | 'destructive';

/** The levels from least to most care. */
export const RISK_LEVELS: readonly RiskLevel[] = ['routine', 'sensitive', 'destructive'];

/** A change's risk level, with one sentence saying why (shown beside it in plans). */
export interface Risk {
  level: RiskLevel;
  reason: string;
}

export function riskRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

/** The riskier of two classifications; on a tie, the first. */
export function riskier(a: Risk, b: Risk | undefined): Risk {
  return b !== undefined && riskRank(b.level) > riskRank(a.level) ? b : a;
}

const ROUTINE: Risk = { level: 'routine', reason: 'Nothing is removed, exposed or granted beyond the configuration.' };
const NOTHING: Risk = { level: 'routine', reason: 'Nothing changes.' };

/**
 * A change's classification: the kind's own (`ResourceKind.classify`), and for every deletion
 * at least `destructive`, whatever the kind says. A kind that throws is read as routine only
 * where nothing is deleted; the error never costs the plan.
 */
export function classifyChange(kind: Pick<ResourceKind, 'classify'> | undefined, change: Change): Risk {
  if (change.action === 'noop') return NOTHING;
  let own: Risk | undefined;
  try {
    own = kind?.classify?.(change);
  } catch {
    own = undefined;
  }
  const base = change.action === 'delete' ? { level: 'destructive' as const, reason: `Deletes ${resourceKey(change)}.` } : ROUTINE;
  if (change.action === 'delete' && own?.level === 'destructive') return own;
  return riskier(base, own);
}

/** The classification a change carries; for one built without it, the engine's default (deletions are destructive). */
export function riskOf(change: Change): Risk {
  return change.risk ?? classifyChange(undefined, change);
}

/** Whether a change needs a reviewer's care (sensitive or destructive). */
export function isRisky(change: Change): boolean {
  return riskOf(change).level !== 'routine';
}

/** Field helpers for kinds' classifiers: the change of one dotted path, if the plan changes it. */
export function fieldChange(change: Change, path: string): { before: unknown; after: unknown } | undefined {
  const field = change.fields.find((f) => f.path === path);
  return field ? { before: field.before, after: field.after } : undefined;
}
