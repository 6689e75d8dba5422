import type { DesiredResource } from '../../src/core/resource.js';
import { DEFAULT_TARGET } from '../../src/core/resource.js';

/** A desired resource as the loader would produce it, for tests that skip YAML. */
export function desired<Spec extends Record<string, unknown>>(
  kind: string,
  name: string,
  spec: Spec,
  extra: Partial<Omit<DesiredResource<Spec>, 'kind' | 'name' | 'spec'>> = {},
): DesiredResource<Spec> {
  return {
    kind,
    name,
    spec,
    target: DEFAULT_TARGET,
    previousNames: [],
    lifecycle: { retain: false, ignoreFields: [] },
    owners: [],
    source: { file: `${kind}/${name}.yml`, line: 1, column: 1 },
    dependsOn: [],
    ...extra,
  };
}
