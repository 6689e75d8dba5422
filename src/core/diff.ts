import type { FieldChange } from './plan-types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality for JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/**
 * Field changes that turn `actual` into `desired`, comparing only what `desired` sets.
 * Nested objects are compared field by field; arrays and scalars as whole values.
 * `ignore` lists dotted paths (and their children) that are never compared.
 */
export function diffSpecs(
  desired: Record<string, unknown>,
  actual: Record<string, unknown> | undefined,
  ignore: readonly string[] = [],
  prefix = '',
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [key, after] of Object.entries(desired)) {
    if (after === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (ignore.some((p) => path === p || path.startsWith(`${p}.`))) continue;
    const before = actual?.[key];
    if (isPlainObject(after) && (isPlainObject(before) || before === undefined)) {
      changes.push(...diffSpecs(after, before as Record<string, unknown> | undefined, ignore, path));
    } else if (!jsonEqual(after, before)) {
      changes.push({ path, before, after });
    }
  }
  return changes;
}

/** Remove ignored dotted paths from a spec (returns a copy). */
export function omitPaths(spec: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  if (paths.length === 0) return spec;
  const copy = structuredClone(spec);
  for (const path of paths) {
    const parts = path.split('.');
    let node: unknown = copy;
    for (const part of parts.slice(0, -1)) node = isPlainObject(node) ? node[part] : undefined;
    if (isPlainObject(node)) delete node[parts[parts.length - 1]!];
  }
  return copy;
}

/** Deep merge for defaults: objects merge key by key, everything else (arrays too) replaces. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}
