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

export interface PolicyOutcome {
  changes: Change[];
  /** Deletions the plan asked for, before policy. */
  requestedDeletions: number;
  /** True when the cap blocked every deletion of this run. */
  capExceeded: boolean;
  maxDeletionsPerRun: number;
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
  if (capExceeded) {
    const reason = `this run would delete ${deletable.length} resources, more than maxDeletionsPerRun (${policy.maxDeletionsPerRun}); nothing is deleted until an admin overrides`;
    out = out.map((c) => (c.action === 'delete' && !c.blocked ? block(c, reason) : c));
  }
  return { changes: out, requestedDeletions, capExceeded, maxDeletionsPerRun: policy.maxDeletionsPerRun };
}

/** Hold every change of a read-only kind: it is reported with the kind's reason, never applied. */
export function holdReadOnly(changes: Change[], kindOf: (kind: string) => ResourceKind | undefined): Change[] {
  return changes.map((change) => {
    const reason = kindOf(change.kind)?.readOnly;
    return reason && change.action !== 'noop' && !change.blocked ? { ...change, blocked: reason } : change;
  });
}
