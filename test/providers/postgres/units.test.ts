import { scramLogin } from './scram-server.js';
import { describe, expect, it } from 'vitest';
import { diffTableGrant } from '../../../src/providers/postgres/diff.js';
import { makeRedactor } from '../../../src/providers/postgres/errors.js';
import { postgresKinds } from '../../../src/providers/postgres/index.js';
import { joinName, KIND, LAYOUT, parseName } from '../../../src/providers/postgres/names.js';
import { passwordMarker, readPasswordMarker, scramVerifier } from '../../../src/providers/postgres/password.js';
import { DatabaseGrant, Role, TargetSettings, TableGrant } from '../../../src/providers/postgres/schema.js';
import { globMatcher } from '../../../src/providers/postgres/sql.js';

describe('postgres names', () => {
  it('round-trips any identifier through the escaped path form', () => {
    for (const parts of [['app', 'reporting', 'reader'], ['a/b', '100%', '%2F'], ['"; DROP ROLE x; --', 'ünï 📊', 'select']]) {
      const name = joinName(parts);
      expect(name.split('/')).toHaveLength(3);
      expect(parseName(KIND.tableGrant, name)).toEqual({ database: parts[0], schema: parts[1], grantee: parts[2] });
    }
  });

  it('gives every object exactly one name', () => {
    expect(parseName(KIND.schema, 'app/a%41')).toMatch(/only %25 \("%"\) and %2F \("\/"\)/);
    expect(parseName(KIND.schema, 'app/a%2f')).toMatch(/only %25/);
    expect(parseName(KIND.schema, 'app')).toMatch(/write it as <database>\/<schema>/);
    expect(parseName(KIND.schema, 'app/reporting/x')).toMatch(/write it as/);
  });

  it('rejects names PostgreSQL would truncate, reserve or cannot hold', () => {
    const validate = (kind: string, name: string) => postgresKinds.find((k) => k.kind === kind)!.validateName!(name);
    expect(validate(KIND.role, 'x'.repeat(64))).toContain('64 bytes long; PostgreSQL allows 63');
    expect(validate(KIND.role, 'é'.repeat(32))).toContain('64 bytes');
    expect(validate(KIND.role, 'pg_monitor')).toContain('reserved');
    expect(validate(KIND.databaseGrant, 'app/public')).toContain('PUBLIC grants are not managed');
    expect(validate(KIND.schema, 'app/')).toContain('must not be empty');
    expect(validate(KIND.role, 'a\u0000b')).toContain('NUL');
    expect(validate(KIND.defaultPrivileges, 'app/reporting/owner/reader')).toBeUndefined();
  });
});

describe('postgres kinds', () => {
  it('lists every kind once, in dependency order, each complete', () => {
    expect(postgresKinds.map((k) => k.kind)).toEqual(Object.values(KIND));
    for (const k of postgresKinds) {
      expect([typeof k.readAll, typeof k.apply, typeof k.validateName], k.kind).toEqual(['function', 'function', 'function']);
      // Objects under a schema live in one database; a database itself and roles do not.
      expect(k.inDatabase, k.kind).toBe(LAYOUT[k.kind].includes('schema'));
    }
  });
});

describe('postgres specs', () => {
  it('normalises privilege lists into sorted sets, expanding ALL and TEMP', () => {
    expect(DatabaseGrant.parse({ privileges: ['temp', 'CONNECT', 'connect'] })).toEqual({ privileges: ['CONNECT', 'TEMPORARY'] });
    expect(DatabaseGrant.parse({ privileges: ['ALL'] })).toEqual({ privileges: ['CONNECT', 'CREATE', 'TEMPORARY'] });
    expect(DatabaseGrant.safeParse({ privileges: ['SELECT'] }).success).toBe(false);
    expect(DatabaseGrant.safeParse({ privileges: [] }).success).toBe(false);
    expect(DatabaseGrant.safeParse({ privileges: ['CONNECT'], extra: 1 }).success).toBe(false);
  });

  it('normalises validUntil and passwordVersion so they compare with what is read back', () => {
    expect(Role.parse({ validUntil: '2030-01-01', passwordFromEnv: 'PG_PASSWORD', passwordVersion: 3 })).toEqual({
      validUntil: '2030-01-01T00:00:00.000Z',
      passwordFromEnv: 'PG_PASSWORD',
      passwordVersion: '3',
    });
    expect(Role.safeParse({ passwordVersion: 2 }).success).toBe(false);
    expect(Role.safeParse({ validUntil: 'tomorrow' }).success).toBe(false);
    expect(Role.safeParse({ password: 'x' }).success).toBe(false);
  });

  it('requires a table grant to grant something', () => {
    expect(TableGrant.safeParse({ tables: { t: [] } }).success).toBe(false);
    expect(TableGrant.parse({ allTables: ['select'], tables: { t: ['insert'] } })).toEqual({ allTables: ['SELECT'], tables: { t: ['INSERT'] } });
  });

  it('fills target settings defaults', () => {
    expect(TargetSettings.parse({ connectionFromEnv: 'PG_URL' })).toEqual({
      connectionFromEnv: 'PG_URL',
      ignore: { roles: [], databases: [], schemas: [] },
      dropRole: { dropOwned: false },
      allowDropDatabase: false,
      connectTimeoutMs: 10_000,
      lockTimeoutMs: 10_000,
    });
    expect(TargetSettings.safeParse({ connectionFromEnv: 'postgres://x' }).success).toBe(false);
  });
});

describe('postgres table grant diff', () => {
  it('compares every live table with allTables plus its own entry, order-independently', () => {
    const desired = TableGrant.parse({ allTables: ['SELECT'], tables: { orders: ['INSERT'], constructor: ['UPDATE'] } });
    const actual = { tables: { orders: ['INSERT', 'SELECT'], items: [], audit: ['DELETE', 'SELECT'], constructor: [] } };
    expect(diffTableGrant(desired, actual)).toEqual([
      { path: 'tables.audit', before: ['DELETE', 'SELECT'], after: ['SELECT'] },
      { path: 'tables.constructor', before: [], after: ['SELECT', 'UPDATE'] },
      { path: 'tables.items', before: [], after: ['SELECT'] },
    ]);
  });
});

describe('postgres passwords', () => {
  it('records which variable and version set the password, never the password', () => {
    const marker = passwordMarker('PG_APP_PASSWORD', 'v;2=%');
    expect(readPasswordMarker(marker)).toEqual({ passwordFromEnv: 'PG_APP_PASSWORD', passwordVersion: 'v;2=%' });
    expect(readPasswordMarker(passwordMarker('PG_APP_PASSWORD', undefined))).toEqual({ passwordFromEnv: 'PG_APP_PASSWORD' });
    expect(readPasswordMarker('a comment someone wrote')).toEqual({});
    expect(readPasswordMarker(null)).toEqual({});
  });

  it('computes a SCRAM-SHA-256 verifier that pg authenticates against', async () => {
    const password = 'correct horse battery staple';
    const verifier = scramVerifier(password);
    // Play the server with the stored verifier against pg's own SCRAM client.
    expect(await scramLogin(verifier, password)).toEqual({ proofAccepted: true, serverSignatureMatches: true });
    // Every password gets a verifier now, whatever its characters (see passwords.test.ts).
    expect(scramVerifier('pässwörd')).toMatch(/^SCRAM-SHA-256\$4096:/);
  });
});

describe('postgres helpers', () => {
  it('redacts secrets and connection URLs', () => {
    const redact = makeRedactor(() => ['hunter22']);
    expect(redact('failed for postgres://u:hunter22@h/db, password hunter22')).toBe('failed for [redacted connection string] password [redacted]');
  });

  it('matches ignore patterns literally except * and ?', () => {
    const match = globMatcher(['legacy_*', 'a.b?', 'x/*']);
    expect(['legacy_', 'legacy_x/y', 'a.bc', 'x/z'].every(match)).toBe(true);
    expect(['legacy', 'aXbc', 'a.bcd'].some(match)).toBe(false);
  });
});
