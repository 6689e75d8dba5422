import type { FieldChange } from '../../../core/plan-types.js';
import pLimit from 'p-limit';

/** The `after` values of field changes as a nested partial spec (`a.b` → `{ a: { b } }`). */
export function specFromFields<T extends Record<string, unknown>>(fields: readonly FieldChange[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const parts = field.path.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      node = (node[part] = typeof child === 'object' && child !== null ? child : {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = field.after;
  }
  return out as Partial<T>;
}

/** Drop keys whose value is undefined, and nested objects left empty. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const inner = compact(v as Record<string, unknown>);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else out[key] = v;
  }
  return out as T;
}

/** Run `fn` over items with at most `concurrency` in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const limit = pLimit(Math.max(1, concurrency));
  return Promise.all(items.map((item) => limit(() => fn(item))));
}
