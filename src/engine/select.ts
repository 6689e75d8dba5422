import type { Model } from '../config/load.js';
import { REPO_CONFIG_FILE } from '../config/schema.js';
import type { RemovedResource } from '../core/plan.js';
import type { DesiredResource } from '../core/resource.js';
import { resourceKey } from '../core/resource.js';

export interface Selection {
  desired: DesiredResource[];
  removed: RemovedResource[];
  baseSpecs: Map<string, Record<string, unknown>>;
  /** True when the whole model is selected (first run, converge.yml changed, huge diff). */
  everything: boolean;
}

/**
 * Which resources a change between two commits touches: those declared in changed files
 * (at either commit), those that a changed defaults file applies to (with its old or new
 * selector), and, when converge.yml itself changed, all of them. Resources present before
 * and gone now are returned as removed, unless a resource now claims them as a previous name.
 */
export function selectChanged(head: Model, base: Model | undefined, changed: readonly string[] | 'all'): Selection {
  const everything = changed === 'all' || !base || changed.includes(REPO_CONFIG_FILE);
  const keys = everything
    ? new Set([...head.byKey.keys(), ...(base?.byKey.keys() ?? [])])
    : new Set([...head.affectedBy(changed), ...base.affectedBy(changed)]);

  const claimed = new Set<string>();
  for (const resource of head.resources) {
    for (const name of resource.previousNames) claimed.add(resourceKey({ ...resource, name }));
  }

  const desired: DesiredResource[] = [];
  const removed: RemovedResource[] = [];
  const baseSpecs = new Map<string, Record<string, unknown>>();
  for (const key of keys) {
    const now = head.byKey.get(key);
    const before = base?.byKey.get(key);
    if (now) {
      desired.push(now);
      if (before) baseSpecs.set(key, before.spec);
    } else if (before && !claimed.has(key)) {
      removed.push({
        kind: before.kind,
        target: before.target,
        name: before.name,
        lifecycle: before.lifecycle,
        owners: before.owners,
        source: before.source,
      });
    }
  }
  return { desired, removed, baseSpecs, everything };
}
