import pg from 'pg';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, ConvergeError, PermissionError } from '../../../src/core/errors.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import { postgresProvider } from '../../../src/providers/postgres/index.js';
import { joinName, LAYOUT, parseName, type KindName } from '../../../src/providers/postgres/names.js';
import { TargetSettings } from '../../../src/providers/postgres/schema.js';
import { adminQuery, apply, createTestTarget, failed, pending, plan, resource, type TestTarget } from './harness.js';

const ident = pg.escapeIdentifier;
const ALL_KINDS = postgresProvider.kinds.map((k) => k.kind);
const silent = pino({ level: 'silent' });

let target: TestTarget;
let session: ProviderSession | undefined;
beforeEach(async () => {
  target = await createTestTarget();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await target?.drop();
});

describe('postgres provider safety', () => {
  it('quotes hostile names everywhere: no injection, and they converge', async () => {
    const { prefix: p, database: db } = target;
    const canary = `${p}canary`;
    const hostile = [
      `${p}"; DROP ROLE ${canary}; --`,
      `${p}'); DROP ROLE ${canary}; --`,
      `${p}a"b'c\\d`,
      `${p}select`,
      `${p}rôle ünï 📊`,
      `${p}a/b%c`,
    ];
    const schema = `"; DROP SCHEMA public CASCADE; --`;
    const otherDb = `${p}db "; DROP DATABASE x; --`;
    const [first, second] = hostile as [string, string];
    // Owns the schema, so it takes no grants there (an owner's privileges are not grants).
    const owner = `${p}own'er`;
    await adminQuery(`CREATE ROLE ${ident(canary)}`);
    await adminQuery(`CREATE TABLE public.${ident("t'; DROP TABLE x; --")} (id int)`, [], db);
    session = await target.connect({}, { PG_HOSTILE_PASSWORD: `pa'ss"word; DROP ROLE ${canary}; --`, PG_UNICODE_PASSWORD: `pässwörd'); DROP ROLE ${canary}; --` });

    const resources = [
      ...hostile.map((role, i) => resource('postgres.role', joinName([role]), i === 0 ? { login: true, passwordFromEnv: 'PG_HOSTILE_PASSWORD', validUntil: '2099-12-31T23:59:59Z' } : i === 1 ? { passwordFromEnv: 'PG_UNICODE_PASSWORD' } : {})),
      ...hostile.slice(1).map((member) => resource('postgres.role-membership', joinName([first, member]), { admin: true })),
      resource('postgres.database', joinName([otherDb]), { owner: second }),
      resource('postgres.role', joinName([owner]), {}),
      resource('postgres.schema', joinName([db, schema]), { owner }),
      resource('postgres.schema', joinName([db, 'select']), {}, { previousNames: [] }),
      ...hostile.map((role) => resource('postgres.database-grant', joinName([db, role]), { privileges: ['CONNECT'] })),
      ...hostile.map((role) => resource('postgres.schema-grant', joinName([db, schema, role]), { privileges: ['USAGE'] })),
      ...hostile.map((role) => resource('postgres.table-grant', joinName([db, 'public', role]), { tables: { "t'; DROP TABLE x; --": ['SELECT'] } })),
      resource('postgres.default-privileges', joinName([db, schema, first, second]), { tables: ['SELECT'], functions: ['EXECUTE'] }),
    ];
    const first_ = await plan(session, resources);
    expect(first_.readFailures).toEqual([]);
    expect(failed(await apply(session, first_))).toEqual([]);
    expect(pending(await plan(session, resources))).toEqual([]);
    expect(pending(await plan(session, resources, { full: true })).filter((c) => c.origin !== 'extraneous')).toEqual([]);

    expect(await adminQuery('select 1 from pg_roles where rolname = $1', [canary])).toHaveLength(1);
    const roles = await adminQuery<{ rolname: string }>('select rolname from pg_roles where starts_with(rolname, $1) order by rolname', [p]);
    expect(roles.map((r) => r.rolname).sort()).toEqual([...hostile, canary, owner].sort());
    expect(await adminQuery('select 1 from pg_database where datname = $1', [otherDb])).toHaveLength(1);
    const schemas = await adminQuery<{ nspname: string }>(`select nspname from pg_namespace where nspname in ('public', $1, 'select')`, [schema], db);
    expect(schemas).toHaveLength(3);
    const [password] = await adminQuery<{ scram: boolean; plain: boolean }>(
      `select (select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = $1) as scram,
              (select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = $2) as plain`,
      [first, second],
    );
    expect(password).toEqual({ scram: true, plain: true });
  });

  it('fails clearly, naming the target, when the connection variable is missing', async () => {
    const settings = TargetSettings.parse({ connectionFromEnv: 'PG_MISSING_URL' });
    const attempt = postgresProvider.connect({ name: 'analytics', settings }, { env: {}, log: silent });
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow('postgres target "analytics": environment variable PG_MISSING_URL is not set');
  });

  it('fails clearly without leaking the connection string when the server is unreachable', async () => {
    const url = 'postgres://admin:hunter2-very-secret@127.0.0.1:1/appdb?sslmode=disable';
    const settings = TargetSettings.parse({ connectionFromEnv: 'PG_ANALYTICS_URL', connectTimeoutMs: 2000 });
    const error = await postgresProvider.connect({ name: 'analytics', settings }, { env: { PG_ANALYTICS_URL: url }, log: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).cause)}`;
    expect((error as Error).message).toMatch(/^postgres target "analytics": connecting failed: cannot reach PostgreSQL \(connection string from PG_ANALYTICS_URL\)/);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('postgres://');
  });

  it('names the target and what went wrong when connecting fails, never the host, port, user or database', async () => {
    const settings = TargetSettings.parse({ connectionFromEnv: 'PG_ANALYTICS_URL', connectTimeoutMs: 2000 });
    const connect = async (url: URL) =>
      (await postgresProvider.connect({ name: 'analytics', settings }, { env: { PG_ANALYTICS_URL: url.toString() }, log: silent }).catch((e: unknown) => e)) as Error;
    const base = new URL(target.env.PG_TEST_URL!);
    const refused = new URL(base);
    refused.port = '5999';
    const noDatabase = new URL(base);
    noDatabase.pathname = `/${target.prefix}nodb`;
    const noRole = new URL(base);
    noRole.username = `${target.prefix}ghost`;
    const cases = [
      [refused, ConnectionError, 'cannot reach PostgreSQL (connection string from PG_ANALYTICS_URL): the server refused the connection (ECONNREFUSED)'],
      [noDatabase, ConfigurationError, 'the database named in PG_ANALYTICS_URL does not exist (3D000)'],
      [noRole, PermissionError, 'PostgreSQL refused the login of the role in PG_ANALYTICS_URL'],
    ] as const;
    for (const [url, type, what] of cases) {
      const error = await connect(url);
      expect(error, url.toString()).toBeInstanceOf(type);
      expect(error.message).toMatch(/^postgres target "analytics": connecting failed: /);
      expect(error.message).toContain(what);
      const user = decodeURIComponent(url.username);
      // "postgres" is also the provider's name in every message: look for the user as PostgreSQL quotes it.
      for (const hidden of [url.hostname, url.port || '5432', user === 'postgres' ? '"postgres"' : user, url.pathname.slice(1)]) {
        expect(error.message, `${what}: ${hidden}`).not.toContain(hidden);
      }
      // The cause is kept for logs only, and carries no address either.
      for (const hidden of [url.hostname, url.port || '5432']) expect(String(error.cause), `${what}: ${hidden}`).not.toContain(hidden);
    }
  });

  it('reads a database that refuses connections as a connection failure, and one it may not enter as a permission failure', async () => {
    const { prefix: p, database: db } = target;
    const [closed, locked] = [`${p}closed`, `${p}locked`];
    await adminQuery(`CREATE DATABASE ${ident(closed)}`);
    await adminQuery(`CREATE DATABASE ${ident(locked)}`);
    await adminQuery(`ALTER DATABASE ${ident(closed)} ALLOW_CONNECTIONS false`);
    const weak = `${p}reader`;
    await adminQuery(`CREATE ROLE ${ident(weak)} LOGIN; REVOKE CONNECT ON DATABASE ${ident(locked)} FROM PUBLIC`);
    const url = new URL(target.env.PG_TEST_URL!);
    url.username = weak;
    session = await postgresProvider.connect(
      { name: 'weak', settings: TargetSettings.parse({ connectionFromEnv: 'PG_WEAK_URL', databases: [`${p}*`] }) },
      { env: { PG_WEAK_URL: url.toString() }, log: silent },
    );
    const [refusing, denied, fine] = await session.read([
      { kind: 'postgres.schema', target: 'weak', name: `${closed}/public` },
      { kind: 'postgres.schema', target: 'weak', name: `${locked}/public` },
      { kind: 'postgres.schema', target: 'weak', name: `${db}/public` },
    ]);
    expect(refusing!.error).toMatchObject({ code: 'connection', message: expect.stringContaining(`database "${closed}" does not allow connections`) });
    expect(denied!.error).toMatchObject({ code: 'permission', retryable: false, message: expect.stringContaining(`reading database "${locked}" failed: permission denied`) });
    expect(fine!.error).toBeUndefined();
    expect(fine!.actual).toMatchObject({ name: `${db}/public` });
    await adminQuery(`ALTER DATABASE ${ident(closed)} ALLOW_CONNECTIONS true`);
  });

  it('reports a malformed connection string without echoing it', async () => {
    const settings = TargetSettings.parse({ connectionFromEnv: 'PG_URL', connectTimeoutMs: 2000 });
    const env = { PG_URL: 'postgres://u:s3cr3t-pw@[bad:5432/db' };
    const error = await postgresProvider.connect({ name: 'x', settings }, { env, log: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvergeError);
    expect((error as Error).message).toContain('postgres target "x"');
    expect(`${(error as Error).message} ${String((error as Error).cause)}`).not.toContain('s3cr3t');
  });

  it('turns missing privileges into permission errors naming the target', async () => {
    const weak = `${target.prefix}weak`;
    await adminQuery(`CREATE ROLE ${ident(weak)} LOGIN`);
    const url = new URL(target.env.PG_TEST_URL!);
    url.username = encodeURIComponent(weak);
    url.password = 'not-needed-secret';
    const settings = TargetSettings.parse({ connectionFromEnv: 'PG_WEAK_URL', databases: [target.database] });
    session = await postgresProvider.connect({ name: 'weak', settings }, { env: { PG_WEAK_URL: url.toString() }, log: silent });
    const results = await apply(session, await plan(session, [resource('postgres.role', `${target.prefix}new`, {})]));
    expect(results[0]!.status).toBe('failed');
    expect(results[0]!.message).toMatch(/^postgres target "weak": create of postgres\.role\/\S+ failed: permission denied/);
    await expect(session.apply(pending(await plan(session, [resource('postgres.role', `${target.prefix}new`, {})]))[0]!)).rejects.toBeInstanceOf(PermissionError);
  });

  it('reports a missing password variable at validation and at apply', async () => {
    session = await target.connect();
    const role = resource('postgres.role', `${target.prefix}app`, { login: true, passwordFromEnv: 'PG_APP_PASSWORD_UNSET' });
    const diagnostics = await session.validate!([role]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'postgres.password-env-missing', message: expect.stringContaining('PG_APP_PASSWORD_UNSET') }),
    ]);
    const results = await apply(session, await plan(session, [role]));
    expect(results[0]).toMatchObject({ status: 'failed', message: expect.stringContaining('environment variable PG_APP_PASSWORD_UNSET') });
    expect(await adminQuery('select 1 from pg_roles where rolname = $1', [`${target.prefix}app`])).toHaveLength(0);
  });

  it('never reads system roles, schemas or databases, the connecting role, nor ignored objects', async () => {
    const { prefix: p, database: db } = target;
    await adminQuery(`CREATE ROLE ${ident(`${p}ignored`)}; CREATE ROLE ${ident(`${p}kept`)}; GRANT pg_read_all_data TO ${ident(`${p}kept`)}`);
    await adminQuery(`GRANT CONNECT ON DATABASE ${ident(db)} TO ${ident(`${p}ignored`)}; GRANT CONNECT ON DATABASE ${ident(db)} TO pg_monitor`);
    session = await target.connect({ ignore: { roles: [`${p}ign*`], schemas: ['legacy'] } });
    await adminQuery('CREATE SCHEMA legacy', [], db);

    const { resources, failures } = await session.readAll(ALL_KINDS);
    expect(failures).toEqual([]);
    const names = resources.map((r) => `${r.kind}/${r.name}`);
    expect(names).toContain(`postgres.role/${p}kept`);
    expect(names).toContain(`postgres.schema/${db}/public`);
    // Every role, schema and database part of every name, by kind layout.
    const parts = { role: new Set<string>(), schema: new Set<string>(), database: new Set<string>() };
    for (const r of resources) {
      const layout = LAYOUT[r.kind as KindName];
      const values = parseName(r.kind as KindName, r.name) as Record<string, string>;
      for (const part of layout) {
        const bucket = part === 'schema' ? parts.schema : part === 'database' ? parts.database : parts.role;
        bucket.add(values[part]!);
      }
    }
    const me = (await adminQuery<{ current_user: string }>('select current_user'))[0]!.current_user;
    for (const bad of [me, 'postgres', `${p}ignored`, 'pg_read_all_data', 'pg_monitor', 'pg_database_owner']) expect([...parts.role], bad).not.toContain(bad);
    expect([...parts.role].filter((r) => r.startsWith('pg_'))).toEqual([]);
    for (const bad of ['pg_catalog', 'information_schema', 'pg_toast', 'legacy']) expect([...parts.schema], bad).not.toContain(bad);
    for (const bad of ['template0', 'template1']) expect([...parts.database], bad).not.toContain(bad);

    const [read] = await session.read([{ kind: 'postgres.role', target: 'default', name: 'postgres' }]);
    expect(read!.error).toMatchObject({ code: 'configuration', retryable: false });
    expect(read!.error?.message).toContain('never managed');
    const ignored = resource('postgres.role', `${p}ignored`, { login: true });
    expect((await session.validate!([ignored])).map((d) => d.code)).toEqual(['postgres.out-of-scope']);
    const change = { kind: 'postgres.role', target: 'default', name: `${p}ignored`, action: 'delete' as const, fields: [], origin: 'extraneous' as const, owners: [] };
    await expect(session.apply(change)).rejects.toThrow('matches ignore.roles');
    expect(await adminQuery('select 1 from pg_roles where rolname = $1', [`${p}ignored`])).toHaveLength(1);
  });
});
