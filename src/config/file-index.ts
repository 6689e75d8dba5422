import { resourceKey, type DesiredResource } from '../core/resource.js';

/** Which resources each file declares or contributes defaults to. */
export type AffectedBy = (paths: Iterable<string>) => Set<string>;

/**
 * Load step five: the one index delta selection asks "which resources does this path
 * affect". A resource is indexed under its own file and every defaults file merged into it,
 * so editing shared defaults selects every resource they fan out to.
 */
export function fileIndex(resources: readonly DesiredResource[]): AffectedBy {
  const index = new Map<string, Set<string>>();
  for (const resource of resources) {
    for (const file of [resource.source.file, ...resource.dependsOn]) {
      let keys = index.get(file);
      if (!keys) index.set(file, (keys = new Set()));
      keys.add(resourceKey(resource));
    }
  }
  return (paths) => {
    const out = new Set<string>();
    for (const path of paths) for (const key of index.get(path) ?? []) out.add(key);
    return out;
  };
}
