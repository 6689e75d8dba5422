import type { Action, Change } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import { code, formatCount, plural, tableHeader, tableRow } from './markdown.js';

export const ACTIONS: readonly Action[] = ['create', 'update', 'rename', 'delete', 'noop'];

const VERB: Record<Action, string> = {
  create: 'Create',
  update: 'Update',
  rename: 'Rename',
  delete: 'Delete',
  noop: 'No change',
};

export function verb(action: Action): string {
  return VERB[action] ?? String(action);
}

/** `kind/name` (with `@target` when not the default target) as monospaced Markdown. */
export function resourceLabel(change: Change): string {
  return code(resourceKey(change), 300);
}

interface KindCounts {
  create: number;
  update: number;
  rename: number;
  delete: number;
  noop: number;
  /** Deletions kept from running by policy. */
  blocked: number;
  /** Other changes held back (changes of read-only kinds): reported, never applied. */
  held: number;
}

export interface PlanCounts {
  byKind: Map<string, KindCounts>;
  total: KindCounts;
  /** Changes other than no-ops. */
  changed: number;
}

const zero = (): KindCounts => ({ create: 0, update: 0, rename: 0, delete: 0, noop: 0, blocked: 0, held: 0 });

export function countChanges(changes: readonly Change[]): PlanCounts {
  const byKind = new Map<string, KindCounts>();
  const total = zero();
  for (const change of changes) {
    let counts = byKind.get(change.kind);
    if (!counts) byKind.set(change.kind, (counts = zero()));
    const action = ACTIONS.includes(change.action) ? change.action : 'update';
    counts[action]++;
    total[action]++;
    if (change.action === 'delete' && change.blocked) {
      counts.blocked++;
      total.blocked++;
    } else if (change.action !== 'noop' && change.blocked) {
      counts.held++;
      total.held++;
    }
  }
  return { byKind, total, changed: changes.length - total.noop };
}

/** "3 to create, 1 to update, 2 to delete (blocked)", or "" when nothing changes. */
export function countsPhrase(counts: PlanCounts, capExceeded: boolean): string {
  const { total } = counts;
  const parts: string[] = [];
  if (total.create) parts.push(`${formatCount(total.create)} to create`);
  if (total.update) parts.push(`${formatCount(total.update)} to update`);
  if (total.rename) parts.push(`${formatCount(total.rename)} to rename`);
  if (total.delete) {
    let note = '';
    if (total.blocked === total.delete) note = capExceeded ? ' (blocked by the deletion cap)' : ' (blocked)';
    else if (total.blocked > 0) note = ` (${formatCount(total.blocked)} blocked)`;
    parts.push(`${formatCount(total.delete)} to delete${note}`);
  }
  return parts.join(', ');
}

const MAX_KIND_ROWS = 50;

/** The counts per kind as a Markdown table; kinds past the first 100 are summed in one row. */
export function countsTable(counts: PlanCounts): string {
  const cell = (c: KindCounts): string[] => [
    formatCount(c.create),
    formatCount(c.update),
    formatCount(c.rename),
    c.blocked > 0 ? `${formatCount(c.delete)} (${formatCount(c.blocked)} blocked)` : formatCount(c.delete),
    formatCount(c.noop),
  ];
  const kinds = [...counts.byKind.keys()].sort();
  const lines = [tableHeader(['Kind', 'Create', 'Update', 'Rename', 'Delete', 'No-op'], ['left', 'right', 'right', 'right', 'right', 'right'])];
  for (const kind of kinds.slice(0, MAX_KIND_ROWS)) lines.push(tableRow([code(kind, 60), ...cell(counts.byKind.get(kind)!)]));
  if (kinds.length > MAX_KIND_ROWS) {
    const rest = zero();
    for (const kind of kinds.slice(MAX_KIND_ROWS)) {
      const c = counts.byKind.get(kind)!;
      for (const key of Object.keys(rest) as (keyof KindCounts)[]) rest[key] += c[key];
    }
    lines.push(tableRow([`_${plural(kinds.length - MAX_KIND_ROWS, 'other kind')}_`, ...cell(rest)]));
  }
  if (kinds.length > 1) lines.push(tableRow(['**Total**', ...cell(counts.total).map((c) => `**${c}**`)]));
  return lines.join('\n');
}
