/** Import of a real PostgreSQL target: roles, memberships, a database with what is in it. */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { runPlan } from '../../src/engine/run.js';
import { importLive } from '../../src/importer/index.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { createRegistry } from '../../src/providers/index.js';
import { adminQuery, createTestTarget, URL_ENV, type TestTarget } from '../providers/postgres/harness.js';
import { silent } from '../support/harness.js';

const ident = pg.escapeIdentifier;
const registry = createRegistry();

let target: TestTarget;
beforeEach(async () => {
  target = await createTestTarget();
});
afterEach(async () => {
  await target?.drop();
});

describe('converge import of a PostgreSQL target', () => {
  it('writes roles and a database with its contents, with no password, and plans them empty', async () => {
    const { prefix: p, database: db } = target;
    const role = (name: string) => ident(`${p}${name}`);
    await adminQuery(`CREATE ROLE ${role('plain')}`);
    await adminQuery(`CREATE ROLE ${role('app')} LOGIN CREATEDB CONNECTION LIMIT 5 PASSWORD 'not-in-the-files' VALID UNTIL '2030-01-01T00:00:00Z'`);
    await adminQuery(`CREATE ROLE ${role('team')} NOINHERIT`);
    await adminQuery(`GRANT ${role('team')} TO ${role('app')} WITH ADMIN OPTION`);
    await adminQuery(`GRANT ${role('team')} TO ${role('plain')}`);
    await adminQuery(`ALTER DATABASE ${ident(db)} OWNER TO ${role('team')}`);
    await adminQuery(`ALTER DATABASE ${ident(db)} CONNECTION LIMIT 20`);
    await adminQuery(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(db)} TO ${role('app')}`);
    await adminQuery(`CREATE SCHEMA app AUTHORIZATION ${role('team')}`, [], db);
    await adminQuery(`CREATE TABLE app.orders (id int)`, [], db);
    await adminQuery(`GRANT USAGE ON SCHEMA app TO ${role('app')}`, [], db);
    await adminQuery(`GRANT SELECT, INSERT ON app.orders TO ${role('app')}`, [], db);
    await adminQuery(`ALTER DEFAULT PRIVILEGES FOR ROLE ${role('team')} IN SCHEMA app GRANT SELECT ON TABLES TO ${role('app')}`, [], db);

    const providers = { postgres: { connectionFromEnv: URL_ENV, databases: [`${p}*`] } };
    const deps: ProviderDeps = { env: target.env, log: silent };
    const result = await importLive({ registry, providers, deps });
    expect(result.failures).toEqual([]);

    const roles = result.files.get('postgres/default/roles.yml')!;
    expect(roles).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/\.converge\/converge-resources\.schema\.json\n/);
    // CREATE ROLE's defaults are left out: a plain role is its name alone.
    expect(roles).toContain(`kind: postgres.role\nname: ${p}plain\n---\n`);
    expect(roles).toContain(`name: ${p}app\nspec:\n  login: true\n  createdb: true\n  connectionLimit: 5\n  validUntil: 2030-01-01T00:00:00.000Z\n`);
    expect(roles).toContain(`name: ${p}team\nspec:\n  inherit: false\n`);
    expect(roles).toContain(`name: ${p}team/${p}app\nspec:\n  admin: true\n`);
    expect(roles).toContain(`kind: postgres.role-membership\nname: ${p}team/${p}plain\n`);
    const yaml = [...result.files].filter(([path]) => path.endsWith('.yml')).map(([, text]) => text);
    expect(yaml.join('\n')).not.toMatch(/password|not-in-the-files/i);
    const database = result.files.get(`postgres/default/databases/${db}.yml`)!;
    expect(database).toContain(`kind: postgres.database\nname: ${db}\nspec:\n  owner: ${p}team\n  connectionLimit: 20\n`);
    // `public`, owned by pg_database_owner as in every new database, is its name alone.
    expect(database).toContain(`kind: postgres.schema\nname: ${db}/public\n---\n`);
    expect(database).toContain(`kind: postgres.table-grant\nname: ${db}/app/${p}app\n`);
    expect(database).toContain(`kind: postgres.default-privileges\nname: ${db}/app/${p}team/${p}app\n`);

    const model = loadModel(result.files, registry);
    expect(model.diagnostics).toEqual([]);
    const mine = model.resources.filter((r) => r.name.includes(p));
    expect(mine.map((r) => r.kind).sort()).toEqual(
      [
        'postgres.role',
        'postgres.role',
        'postgres.role',
        'postgres.role-membership',
        'postgres.role-membership',
        'postgres.database',
        'postgres.schema',
        'postgres.schema',
        'postgres.database-grant',
        'postgres.schema-grant',
        'postgres.table-grant',
        'postgres.default-privileges',
      ].sort(),
    );
    const run = await runPlan({ registry, head: model, changed: 'all', deps, full: true });
    await run.sessions.closeAll();
    // Other test files create and drop their own roles and databases in the same cluster meanwhile:
    // this test answers for what its prefix names.
    const ours = <T extends { name: string }>(items: T[]) => items.filter((i) => i.name.includes(p));
    expect(ours(run.plan.readFailures)).toEqual([]);
    expect(run.plan.diagnostics).toEqual([]);
    expect(ours(run.plan.changes)).toHaveLength(mine.length);
    expect(ours(run.plan.changes).filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.kind}/${c.name}`)).toEqual([]);
  });

  it('returns the failure and no files when the target cannot be reached', async () => {
    const providers = { postgres: { connectionFromEnv: URL_ENV } };
    const result = await importLive({ registry, providers, deps: { env: { [URL_ENV]: 'postgres://nobody@127.0.0.1:1/none' }, log: silent } });
    expect(result.files.size).toBe(0);
    expect(result.failures.length).toBeGreaterThan(0);
    expect(result.failures.every((f) => f.name === '*' && f.target === 'default')).toBe(true);
    expect(result.failures.map((f) => f.kind).sort()).toEqual(registry.kinds().filter((k) => k.kind.startsWith('postgres.')).map((k) => k.kind).sort());
  });
});
