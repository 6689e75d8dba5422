import { describe, expect, it } from 'vitest';
import type { Change, FieldChange } from '../../../src/core/plan-types.js';
import { classifyChange, type Risk } from '../../../src/core/risk.js';
import { POSTGRES_KINDS, postgresKind } from '../../../src/providers/postgres/kinds/index.js';

const field = (path: string, before: unknown, after: unknown): FieldChange => ({ path, before, after });

function risk(kind: string, name: string, action: Change['action'], fields: FieldChange[] = []): Risk {
  const change: Change = { kind: `postgres.${kind}`, target: 'default', name, action, fields, origin: 'model', owners: [] };
  return classifyChange(postgresKind(change.kind), change);
}

type Case = [kind: string, name: string, action: Change['action'], fields: FieldChange[], level: Risk['level'], reason: string | RegExp];

const cases: Case[] = [
  ['role', 'app', 'update', [field('createrole', false, true)], 'sensitive', 'Gives role app CREATEROLE.'],
  ['role', 'app', 'create', [field('login', undefined, true), field('createdb', undefined, true), field('createrole', undefined, true)], 'sensitive', 'Gives role app CREATEROLE and CREATEDB.'],
  ['role', 'app', 'update', [field('superuser', false, true), field('bypassrls', false, true)], 'sensitive', 'Gives role app SUPERUSER and BYPASSRLS: it bypasses every permission check.'],
  ['role', 'app', 'update', [field('replication', undefined, true)], 'sensitive', 'Gives role app REPLICATION.'],
  ['role', 'app', 'update', [field('connectionLimit', 5, 10), field('createdb', true, false), field('passwordVersion', '1', '2')], 'routine', /Nothing/],
  ['role', 'app', 'delete', [], 'destructive', 'Drops role app: logins as it stop working, and its members lose what it granted.'],

  ['role-membership', 'admins/alice', 'create', [field('admin', undefined, true)], 'sensitive', 'Lets alice grant role admins to others (WITH ADMIN OPTION).'],
  ['role-membership', 'pg_write_all_data/etl', 'create', [], 'sensitive', 'Grants role pg_write_all_data to etl: etl gets superuser-like access.'],
  ['role-membership', 'readers/alice', 'create', [field('admin', undefined, false)], 'routine', /Nothing/],
  ['role-membership', 'admins/alice', 'update', [field('admin', true, false)], 'routine', /Nothing/],
  ['role-membership', 'admins/alice', 'delete', [], 'destructive', 'Revokes role admins from alice: alice loses the privileges it had through it.'],

  ['database', 'shop', 'update', [field('owner', 'app', 'etl')], 'sensitive', 'Makes etl the owner of database shop (was app): it gets every privilege on it.'],
  ['database', 'shop', 'create', [field('owner', undefined, 'app')], 'routine', /Nothing/],
  ['database', 'shop', 'delete', [], 'destructive', 'Drops database shop with all its data.'],

  ['schema', 'shop/sales', 'update', [field('owner', 'app', 'etl')], 'sensitive', /Makes etl the owner of schema sales of database shop \(was app\)/],
  ['schema', 'shop/sales', 'rename', [], 'routine', /Nothing/],
  ['schema', 'shop/sales%2Feu', 'delete', [], 'destructive', 'Drops schema sales/eu of database shop.'],

  ['database-grant', 'shop/PUBLIC', 'create', [field('privileges', undefined, ['CONNECT'])], 'sensitive', 'Grants privileges on database shop to PUBLIC: every role, present and future, gets them.'],
  ['database-grant', 'shop/app', 'update', [field('privileges', ['CONNECT'], ['CONNECT', 'CREATE', 'TEMPORARY'])], 'routine', /Nothing/],
  ['database-grant', 'shop/app', 'delete', [], 'destructive', 'Revokes every privilege of app on database shop.'],

  ['schema-grant', 'shop/sales/public', 'update', [field('privileges', ['USAGE'], ['CREATE', 'USAGE'])], 'sensitive', /schema sales of database shop to PUBLIC/],
  ['schema-grant', 'shop/sales/app', 'create', [field('privileges', undefined, ['USAGE'])], 'routine', /Nothing/],
  ['schema-grant', 'shop/sales/app', 'delete', [], 'destructive', 'Revokes every privilege of app on schema sales of database shop.'],

  ['table-grant', 'shop/sales/PUBLIC', 'create', [field('allTables', undefined, ['SELECT'])], 'sensitive', /tables of schema sales of database shop to PUBLIC/],
  ['table-grant', 'shop/sales/app', 'update', [field('allTables', ['SELECT'], ['INSERT', 'SELECT'])], 'routine', /Nothing/],
  ['table-grant', 'shop/sales/etl%2Fnightly', 'delete', [], 'destructive', 'Revokes every privilege of etl/nightly on tables of schema sales of database shop.'],

  ['default-privileges', 'shop/sales/app/public', 'create', [field('tables', undefined, ['SELECT'])], 'sensitive', 'Grants PUBLIC privileges on new objects app creates in schema sales of database shop: every role, present and future, gets them.'],
  ['default-privileges', 'shop/sales/app/reader', 'update', [field('tables', ['SELECT'], [])], 'routine', /Nothing/],
  ['default-privileges', 'shop/sales/app/reader', 'delete', [], 'destructive', 'Stops granting reader privileges on new objects app creates in schema sales of database shop.'],
];

describe('risk of postgres changes', () => {
  it.each(cases)('%s %s %s → %s', (kind, name, action, fields, level, reason) => {
    const got = risk(kind, name, action, fields);
    expect(got.level).toBe(level);
    if (typeof reason === 'string') expect(got.reason).toBe(reason);
    else expect(got.reason).toMatch(reason);
  });

  it('covers every kind with a risky and a routine case', () => {
    const covered = (levels: Array<Risk['level']>) => new Set(cases.filter((c) => levels.includes(c[4])).map((c) => `postgres.${c[0]}`));
    const kinds = POSTGRES_KINDS.map((k) => k.kind).sort();
    expect([...covered(['sensitive', 'destructive'])].sort()).toEqual(kinds);
    expect([...covered(['routine'])].sort()).toEqual(kinds);
  });

  it('never throws on names or values the schema would not produce', () => {
    for (const kind of POSTGRES_KINDS) {
      for (const name of ['', '/', 'a', 'a/b/c/d/e', '%zz/%2F']) {
        for (const action of ['create', 'update', 'delete'] as const) {
          const fields = ['superuser', 'createrole', 'admin', 'owner', 'privileges'].map((p) => field(p, 'x', action === 'create' ? null : 7));
          const change: Change = { kind: kind.kind, target: 'default', name, action, fields, origin: 'model', owners: [] };
          expect(() => kind.classify!(change), `${kind.kind} ${action} ${JSON.stringify(name)}`).not.toThrow();
        }
      }
    }
  });
});
