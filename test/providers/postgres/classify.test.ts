import { describe, expect, it } from 'vitest';
import type { Change, FieldChange } from '../../../src/core/plan-types.js';
import { classifyChange } from '../../../src/core/risk.js';
import { postgresKind } from '../../../src/providers/postgres/kinds/index.js';

const risk = (k: string, name: string, action: Change['action'], fields: FieldChange[] = []) =>
  classifyChange(postgresKind(`postgres.${k}`), { kind: `postgres.${k}`, target: 'default', name, action, fields, origin: 'model', owners: [] });
const field = (path: string, before: unknown, after: unknown): FieldChange => ({ path, before, after });

describe('risk of postgres changes', () => {
  it.each([
    ['role', 'app', 'update', [field('createrole', false, true)], 'sensitive', /Gives role app CREATEROLE/],
    ['role', 'app', 'create', [field('createdb', undefined, true), field('createrole', undefined, true)], 'sensitive', /CREATEROLE and CREATEDB/],
    ['role', 'app', 'update', [field('connectionLimit', 5, 10)], 'routine', /.*/],
    ['role', 'app', 'delete', [], 'destructive', /Drops role app/],
    ['role-membership', 'admins/alice', 'create', [field('admin', undefined, true)], 'sensitive', /WITH ADMIN OPTION/],
    ['role-membership', 'admins/alice', 'delete', [], 'destructive', /Revokes role admins from alice/],
    ['database', 'shop', 'delete', [], 'destructive', /Drops database shop and everything in it/],
    ['schema', 'shop/sales', 'delete', [], 'destructive', /Drops schema shop\/sales/],
    ['table-grant', 'shop/sales/app', 'delete', [], 'destructive', /Revokes every privilege/],
    ['table-grant', 'shop/sales/app', 'update', [field('privileges', ['SELECT'], ['SELECT', 'INSERT'])], 'routine', /.*/],
  ] as const)('%s %s %s → %s', (k, name, action, fields, level, reason) => {
    const out = risk(k, name, action, [...fields]);
    expect(out.level).toBe(level);
    expect(out.reason).toMatch(reason);
  });
});
