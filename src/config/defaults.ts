import picomatch from 'picomatch';
import { deepMerge } from '../core/diff.js';
import type { DefaultsDocument } from './schema.js';
import type { YamlDocument } from './yaml.js';

export interface LoadedDefaults extends DefaultsDocument {
  file: string;
  line: number;
  order: number;
  /** Values its document holds, aliases expanded: what merging it into one resource costs. */
  values: number;
  /** Where a path in its document is (`['spec', 'features', 'wiki']`). */
  locate: YamlDocument['locate'];
}

/** Which defaults apply to one resource, weakest first. */
export type DefaultsSelector = (kind: string, target: string, name: string) => LoadedDefaults[];

/**
 * Load step three: the selector of every defaults document. Precedence is ascending
 * priority, then file path, then position in the file, so a later entry wins a field.
 * Sorts `defaults` in place, so the model lists them in that order too.
 */
export function selectDefaults(defaults: LoadedDefaults[]): DefaultsSelector {
  if (defaults.length === 0) return () => [];
  defaults.sort((a, b) => a.priority - b.priority || a.file.localeCompare(b.file) || a.order - b.order);
  const matchers = defaults.map((d) => ({ defaults: d, matchName: d.selector.names ? picomatch(d.selector.names, { dot: true }) : () => true }));
  return (kind, target, name) =>
    matchers
      .filter(({ defaults: d, matchName }) => d.selector.kind === kind && (d.selector.target === undefined || d.selector.target === target) && matchName(name))
      .map((m) => m.defaults);
}

/** The spec with its defaults merged under it: the resource's own values always win. */
export function withDefaults(spec: Record<string, unknown>, applied: readonly LoadedDefaults[]): Record<string, unknown> {
  if (applied.length === 0) return spec;
  let merged: Record<string, unknown> = {};
  for (const d of applied) merged = deepMerge(merged, d.spec);
  return deepMerge(merged, spec);
}
