import { jsonEqual } from '../core/diff.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The spec without the fields whose value is the creation default: nested objects compare
 * field by field (an object left with nothing is dropped), anything else by value. A field
 * with no default is always kept, so required fields stay.
 */
export function withoutDefaults(spec: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(defaults, key)) {
      out[key] = value;
      continue;
    }
    const fallback = defaults[key];
    if (isPlainObject(value) && isPlainObject(fallback)) {
      const inner = withoutDefaults(value, fallback);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else if (!jsonEqual(value, fallback)) {
      out[key] = value;
    }
  }
  return out;
}
