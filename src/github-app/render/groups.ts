/**
 * Identical changes, grouped: the same kind, action and risk, and the same fields with the
 * same before and after values. A defaults change that sets one field on 4,800 repositories is
 * one group of 4,800 names and one table, not 4,800 sections.
 */
import type { SourceLocation } from '../../core/diagnostics.js';
import type { Change, FieldChange } from '../../core/plan-types.js';
import { riskOf } from '../../core/risk.js';

export interface ChangeGroup {
  /** In plan order; never empty. */
  members: Change[];
  /** The fields every member changes (the same for all of them). */
  fields: FieldChange[];
}

/** What makes two changes one row. Creates and renames stay apart: their names matter. */
function groupKey(change: Change, fields: readonly FieldChange[]): string | undefined {
  if (change.action === 'create' || change.action === 'rename' || fields.length === 0) return undefined;
  const risk = riskOf(change);
  // Deletions carry no fields; they group by their blocking reason.
  return JSON.stringify([
    change.kind,
    change.target,
    change.action,
    change.blocked ?? '',
    // A risky change's reason names its resource: only changes with the same reason group.
    risk.level === 'routine' ? '' : risk.reason,
    fields.map((f) => [f.path, f.before, f.after, f.drift === true]),
  ]);
}

/**
 * Groups in the order their first member appears. `fieldsOf` picks the fields the group is
 * about (a PR's own fields, or the drifted ones). Changes without fields (deletions) group
 * when their kind and blocking reason agree.
 */
export function groupChanges(changes: readonly Change[], fieldsOf: (change: Change) => FieldChange[]): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  const byKey = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const fields = fieldsOf(change);
    const key = change.action === 'delete' ? JSON.stringify([change.kind, change.target, 'delete', change.blocked ?? '', change.origin]) : groupKey(change, fields);
    const existing = key === undefined ? undefined : byKey.get(key);
    if (existing) {
      existing.members.push(change);
      continue;
    }
    const group: ChangeGroup = { members: [change], fields };
    groups.push(group);
    if (key !== undefined) byKey.set(key, group);
  }
  return groups;
}

/** The distinct defaults lines a group's fields come from (fan-out attribution), at most `max`. */
export function fieldSources(group: ChangeGroup, max = 3): SourceLocation[] {
  const seen = new Map<string, SourceLocation>();
  for (const member of group.members.slice(0, 50)) {
    for (const field of group.fields) {
      const own = member.fields.find((f) => f.path === field.path)?.source;
      if (own && !seen.has(`${own.file}:${own.line}`)) seen.set(`${own.file}:${own.line}`, own);
      if (seen.size >= max) return [...seen.values()];
    }
  }
  return [...seen.values()];
}
