/**
 * Plans shown to someone outside the org (a fork PR's author) must not carry live values the
 * app read with its own credentials. This hides the live side (`before`, `actual`) of the
 * named fields; the desired side is the reader's own YAML and stays.
 */
import type { Change, Plan } from '../../core/plan-types.js';

export const REDACTED = '(live value hidden from fork PRs)';

/** Kind → dotted field paths whose live value is hidden (a path hides everything under it). */
export type RedactedFields = Readonly<Record<string, readonly string[]>>;

function redactChange(change: Change, paths: readonly string[] | undefined): Change {
  if (!paths || paths.length === 0) return change;
  const hidden = (path: string) => paths.some((p) => path === p || path.startsWith(`${p}.`));
  const fields = change.fields.map((f) => (hidden(f.path) && f.before !== undefined ? { ...f, before: REDACTED } : f));
  if (!change.actual) return { ...change, fields };
  const actual = Object.fromEntries(Object.entries(change.actual).map(([key, value]) => [key, hidden(key) ? REDACTED : value]));
  return { ...change, fields, actual };
}

export function redactLiveValues(plan: Plan, fields: RedactedFields): Plan {
  return { ...plan, changes: plan.changes.map((c) => redactChange(c, fields[c.kind])) };
}
