import picomatch from 'picomatch';
import type { Change } from './plan-types.js';
import type { ResourceKind } from './provider.js';
import { resourceKey, type ResourceRef } from './resource.js';

/**
 * What may be deleted in one run. The host builds it from its own configuration (Converge:
 * `prune` in converge.yml, whose schema holds the defaults); the core has none of its own.
 */
export interface DeletionPolicy {
  /** Delete resources that left the model or were never in it. */
  prune: boolean;
  /** Glob patterns on `kind/name` (or on the bare name) that are never deleted. */
  protected: string[];
  /** A run that would delete more than this deletes nothing and reports the list. */
  maxDeletionsPerRun: number;
  /** Set when converge.yml gave `maxDeletionsPerRun` as a share: where the number came from. */
  maxDeletionsFrom?: LimitShare;
  /** Set for one run by an admin to lift `maxDeletionsPerRun`. */
  overrideMaxDeletions?: boolean;
  /** Converge's own footprint (glob patterns on resource keys): never deleted, whatever else says. */
  footprint?: readonly string[];
}

export const FOOTPRINT_REASON = "it is part of Converge's own footprint (its config repo and what Converge creates there), which is never deleted";

/**
 * Whether a resource belongs to the host's own footprint: `patterns` are globs on resource
 * keys (`github.repository/converge-config`), compared case-insensitively because the host's
 * names may be spelled in another case than the target reports them.
 */
export function footprintMatcher(patterns: readonly string[] | undefined): (ref: ResourceRef) => boolean {
  if (!patterns || patterns.length === 0) return () => false;
  const match = picomatch([...patterns], { dot: true, nocase: true });
  return (ref) => match(resourceKey(ref));
}

/** A limit converge.yml wrote as a share of the declared resources, and how many that is. */
export interface LimitShare {
  /** As written, such as `25%`. */
  share: string;
  /** The resources the model declares, which the share is of. */
  declared: number;
}

/**
 * A per-run limit resolved against the model: a number of resources as written, or a share of
 * the resources the model declares, rounded down but never to 0 for a share above 0% of a
 * non-empty model (a small model would otherwise allow nothing at all under `"10%"`).
 */
export function resolveLimit(limit: number | string, declared: number): { max: number; from?: LimitShare } {
  if (typeof limit === 'number') return { max: limit };
  const percent = Number(limit.slice(0, -1));
  // The epsilon keeps 18.4% of 375 at 69: 18.4 * 375 / 100 is 68.99999… in floating point.
  const floored = Math.floor((percent * declared) / 100 + 1e-9);
  return { max: percent > 0 && declared > 0 ? Math.max(1, floored) : floored, from: { share: limit, declared } };
}

/** How a resolved limit reads in reasons and reports: `5`, or `50: 25% of 200 declared resources`. */
export function limitLabel(max: number, from?: LimitShare): string {
  return from ? `${max}: ${from.share} of ${from.declared} declared resource${from.declared === 1 ? '' : 's'}` : String(max);
}

export interface PolicyOutcome {
  changes: Change[];
  /** Deletions the plan asked for, before policy. */
  requestedDeletions: number;
  /** True when the cap blocked every deletion of this run. */
  capExceeded: boolean;
  maxDeletionsPerRun: number;
  /** The cap as reasons show it (see limitLabel). */
  deletionLimit?: string;
  /** Updates and renames this run would make, counted against `maxUpdatesPerRun`. */
  requestedUpdates?: number;
  /** True when `maxUpdatesPerRun` held every change of this run. */
  updateLimitExceeded?: boolean;
  /** `maxUpdatesPerRun` as reasons show it; unset without a limit. */
  updateLimit?: string;
}

/**
 * Decide which deletions may run. Deletions are never silently dropped: a blocked one stays
 * in the plan with the reason, so the plan and the drift report show it as an exception.
 */
export function applyDeletionPolicy(changes: Change[], policy: DeletionPolicy): PolicyOutcome {
  const isProtected = policy.protected.length > 0 ? picomatch(policy.protected, { dot: true }) : () => false;
  const block = (change: Change, reason: string): Change => (change.blocked ? change : { ...change, blocked: reason });
  const isFootprint = footprintMatcher(policy.footprint);

  let out = changes.map((change) => {
    if (change.action !== 'delete') return change;
    // Before any other reason: the footprint is never deleted, even if an earlier hold lifts.
    if (isFootprint(change)) return { ...change, blocked: FOOTPRINT_REASON };
    if (change.blocked) return change;
    const key = resourceKey(change);
    if (isProtected(key) || isProtected(change.name)) return block(change, 'protected by a pattern in converge.yml');
    if (!policy.prune) return block(change, 'prune is off in converge.yml');
    return change;
  });

  const deletable = out.filter((c) => c.action === 'delete' && !c.blocked);
  const requestedDeletions = out.filter((c) => c.action === 'delete').length;
  const capExceeded = !policy.overrideMaxDeletions && deletable.length > policy.maxDeletionsPerRun;
  const deletionLimit = limitLabel(policy.maxDeletionsPerRun, policy.maxDeletionsFrom);
  if (capExceeded) {
    const reason = `this run would delete ${deletable.length} resources, more than maxDeletionsPerRun (${deletionLimit}); nothing is deleted until an admin overrides`;
    out = out.map((c) => (c.action === 'delete' && !c.blocked ? block(c, reason) : c));
  }
  return { changes: out, requestedDeletions, capExceeded, maxDeletionsPerRun: policy.maxDeletionsPerRun, deletionLimit };
}

/** How many existing resources one run may change (`limits.maxUpdatesPerRun` in converge.yml). */
export interface UpdatePolicy {
  /** A run that would update or rename more resources than this applies nothing; no limit when unset. */
  maxUpdatesPerRun?: number;
  /** Set when converge.yml gave the limit as a share: where the number came from. */
  maxUpdatesFrom?: LimitShare;
  /** Set for one run by an admin to lift `maxUpdatesPerRun`. */
  overrideMaxUpdates?: boolean;
  /**
   * Which changes the run would write (a full run writes only what it reverts); the limit counts
   * and holds only those. Every change when unset.
   */
  applies?: (change: Change) => boolean;
}

/** Updates and renames count: they change what exists. Creates touch nothing that exists, and deletions have their own cap. */
const countsAsUpdate = (change: Change) => change.action === 'update' || change.action === 'rename';

/**
 * Hold the whole run when it would change more existing resources than the limit allows. Not
 * only the updates: a run past the limit is a mistake until an admin says otherwise (a defaults
 * change fanning out, a target renamed), and applying its creates and deletions alone would
 * leave the target half-way. Every held change stays in the plan with the reason.
 */
export function applyUpdateLimit(outcome: PolicyOutcome, policy: UpdatePolicy): PolicyOutcome {
  const applies = policy.applies ?? (() => true);
  const runnable = (c: Change) => c.action !== 'noop' && !c.blocked && applies(c);
  const requestedUpdates = outcome.changes.filter((c) => runnable(c) && countsAsUpdate(c)).length;
  if (policy.maxUpdatesPerRun === undefined) return { ...outcome, requestedUpdates, updateLimitExceeded: false };
  const updateLimit = limitLabel(policy.maxUpdatesPerRun, policy.maxUpdatesFrom);
  const updateLimitExceeded = !policy.overrideMaxUpdates && requestedUpdates > policy.maxUpdatesPerRun;
  if (!updateLimitExceeded) return { ...outcome, requestedUpdates, updateLimitExceeded, updateLimit };
  const reason = `this run would update ${requestedUpdates} resources, more than maxUpdatesPerRun (${updateLimit}); nothing is applied until an admin overrides`;
  const changes = outcome.changes.map((c) => (runnable(c) ? { ...c, blocked: reason } : c));
  return { ...outcome, changes, requestedUpdates, updateLimitExceeded, updateLimit };
}

/** Hold every change of a read-only kind: it is reported with the kind's reason, never applied. */
export function holdReadOnly(changes: Change[], kindOf: (kind: string) => ResourceKind | undefined): Change[] {
  return changes.map((change) => {
    const reason = kindOf(change.kind)?.readOnly;
    return reason && change.action !== 'noop' && !change.blocked ? { ...change, blocked: reason } : change;
  });
}
