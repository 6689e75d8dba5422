import { jsonEqual } from '../../core/diff.js';
import type { FieldChange } from '../../core/plan-types.js';
import type { TableGrant } from './schema.js';
import { canonicalPrivileges } from './sql.js';

/** `record[key]` only when it is the record's own entry (table names like `constructor` exist). */
export function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** What one table should grant: `allTables` plus the table's own entry. */
export function wantedOnTable(spec: TableGrant, table: string): string[] {
  return canonicalPrivileges([...(spec.allTables ?? []), ...(own(spec.tables, table) ?? [])]);
}

/**
 * A table grant owns the grantee's privileges on every table of its schema, so the live side
 * decides which tables are compared: each live table (and each table the spec names) must
 * hold exactly what `wantedOnTable` says. One field change per table that differs.
 */
export function diffTableGrant(desired: TableGrant, actual: TableGrant): FieldChange[] {
  const names = new Set([...Object.keys(actual.tables ?? {}), ...Object.keys(desired.tables ?? {})]);
  const changes: FieldChange[] = [];
  for (const table of [...names].sort()) {
    const before = own(actual.tables, table);
    const after = wantedOnTable(desired, table);
    if (!jsonEqual(before ?? [], after)) changes.push({ path: `tables.${table}`, before, after });
  }
  return changes;
}
