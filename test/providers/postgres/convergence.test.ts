import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderSession } from '../../../src/core/provider.js';
import type { DesiredResource } from '../../../src/core/resource.js';
import { postgresProvider } from '../../../src/providers/postgres/index.js';
import { adminQuery, apply, createTestTarget, failed, pending, plan, resource, type TestTarget } from './harness.js';

const ident = pg.escapeIdentifier;
const ALL_KINDS = postgresProvider.kinds.map((k) => k.kind);

let target: TestTarget;
let session: ProviderSession;
beforeEach(async () => {
  target = await createTestTarget();
  session = await target.connect();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await session?.close();
  await target?.drop();
});

/** `count` roles, each a member of one team, with database, schema and table grants. */
function model(count: number): DesiredResource[] {
  const { prefix: p, database: db } = target;
  const team = `${p}team`;
  const out = [resource('postgres.role', team, {}), resource('postgres.schema', `${db}/app`, {})];
  for (let i = 0; i < count; i++) {
    const role = `${p}r${String(i).padStart(2, '0')}`;
    out.push(
      resource('postgres.role', role, { login: i % 2 === 0, connectionLimit: i }),
      resource('postgres.role-membership', `${team}/${role}`, { admin: i % 5 === 0 }),
      resource('postgres.database-grant', `${db}/${role}`, { privileges: ['CONNECT'] }),
      resource('postgres.schema-grant', `${db}/app/${role}`, { privileges: i % 3 === 0 ? ['USAGE', 'CREATE'] : ['USAGE'] }),
      resource('postgres.table-grant', `${db}/app/${role}`, { allTables: ['SELECT'] }),
    );
  }
  return out;
}

/** Queries sent to PostgreSQL while `work` runs. */
async function countQueries(work: () => Promise<unknown>): Promise<number> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('postgres provider convergence', () => {
  it('converges 50 roles with memberships and grants from empty, then plans nothing', async () => {
    await adminQuery('CREATE SCHEMA app; CREATE TABLE app.orders (id int); CREATE TABLE app.items (id int)', [], target.database);
    const resources = model(50);
    const first = await plan(session, resources);
    expect(first.readFailures).toEqual([]);
    // The schema exists already (the application made it); everything else is created.
    expect(pending(first).filter((c) => c.action !== 'create')).toEqual([]);
    expect(pending(first)).toHaveLength(1 + 50 * 5);
    expect(failed(await apply(session, first))).toEqual([]);

    expect(pending(await plan(session, resources))).toEqual([]);
    const full = await plan(session, resources, { full: true });
    expect(pending(full).filter((c) => c.origin !== 'extraneous')).toEqual([]);

    const granted = await adminQuery<{ n: string }>(
      `select count(*) as n from pg_roles r where starts_with(r.rolname, $1) and has_table_privilege(r.oid, 'app.orders', 'SELECT')`,
      [`${target.prefix}r`],
      target.database,
    );
    expect(Number(granted[0]!.n)).toBe(50);
  });

  it('reads with a fixed number of queries, however many resources', async () => {
    await adminQuery('CREATE SCHEMA app', [], target.database);
    const large = model(50);
    await apply(session, await plan(session, large));
    const small = model(2);
    const refs = (rs: DesiredResource[]) => rs.map(({ kind, target: t, name }) => ({ kind, target: t, name }));

    const readLarge = await countQueries(() => session.read(refs(large)));
    const readSmall = await countQueries(() => session.read(refs(small)));
    // roles, memberships, databases; then schemas and tables of the one database involved
    expect(readLarge).toBe(5);
    expect(readSmall).toBe(readLarge);

    const readAll = await countQueries(() => session.readAll(ALL_KINDS));
    // 3 cluster-wide + 3 per database in reach (the test database and nothing else)
    expect(readAll).toBe(6);
  });

  it('shows a GRANT made by hand as drift', async () => {
    await adminQuery('CREATE SCHEMA app; CREATE TABLE app.orders (id int)', [], target.database);
    const resources = model(2);
    await apply(session, await plan(session, resources));
    const role = `${target.prefix}r01`;
    await adminQuery(`GRANT CREATE ON SCHEMA app TO ${ident(role)}; GRANT INSERT ON app.orders TO ${ident(role)}`, [], target.database);

    const drift = pending(await plan(session, resources));
    expect(drift.map((c) => [c.action, c.kind, c.name, c.fields])).toEqual([
      ['update', 'postgres.schema-grant', `${target.database}/app/${role}`, [{ path: 'privileges', before: ['CREATE', 'USAGE'], after: ['USAGE'] }]],
      ['update', 'postgres.table-grant', `${target.database}/app/${role}`, [{ path: 'tables.orders', before: ['INSERT', 'SELECT'], after: ['SELECT'] }]],
    ]);
    // Reverting the drift converges again.
    expect(failed(await apply(session, await plan(session, resources)))).toEqual([]);
    expect(pending(await plan(session, resources))).toEqual([]);
  });

  it('reports a grant made by hand on an undeclared object as extraneous in full runs', async () => {
    // Full runs read the kinds the model uses, so the model declares one database grant.
    const resources = [
      resource('postgres.role', `${target.prefix}solo`, {}),
      resource('postgres.role', `${target.prefix}other`, {}),
      resource('postgres.database-grant', `${target.database}/${target.prefix}other`, { privileges: ['CONNECT'] }),
    ];
    await apply(session, await plan(session, resources));
    await adminQuery(`GRANT TEMPORARY ON DATABASE ${ident(target.database)} TO ${ident(`${target.prefix}solo`)}`);
    const full = await plan(session, resources, { full: true });
    const ours = pending(full).filter((c) => c.name.includes(target.prefix));
    expect(ours.map((c) => [c.action, c.origin, c.kind, c.name])).toEqual([
      ['delete', 'extraneous', 'postgres.database-grant', `${target.database}/${target.prefix}solo`],
    ]);
  });

  it('renames a role and keeps its grants and memberships', async () => {
    await adminQuery('CREATE TABLE public.sales (id int)', [], target.database);
    const { prefix: p, database: db } = target;
    const before = [
      resource('postgres.role', `${p}team`, {}),
      resource('postgres.role', `${p}analyst`, { login: true }),
      resource('postgres.role-membership', `${p}team/${p}analyst`, {}),
      resource('postgres.database-grant', `${db}/${p}analyst`, { privileges: ['CONNECT'] }),
      resource('postgres.table-grant', `${db}/public/${p}analyst`, { tables: { sales: ['SELECT'] } }),
    ];
    await apply(session, await plan(session, before));
    const oid = (await adminQuery<{ oid: number }>('select oid from pg_roles where rolname = $1', [`${p}analyst`]))[0]!.oid;

    const after = [
      before[0]!,
      resource('postgres.role', `${p}analyst2`, { login: true }, { previousNames: [`${p}analyst`] }),
      resource('postgres.role-membership', `${p}team/${p}analyst2`, {}),
      resource('postgres.database-grant', `${db}/${p}analyst2`, { privileges: ['CONNECT'] }),
      resource('postgres.table-grant', `${db}/public/${p}analyst2`, { tables: { sales: ['SELECT'] } }),
    ];
    const renamePlan = await plan(session, after);
    const rename = pending(renamePlan).find((c) => c.action === 'rename')!;
    expect(rename).toMatchObject({ kind: 'postgres.role', name: `${p}analyst2`, fromName: `${p}analyst` });
    // Apply the rename alone: the privileges follow the role (same OID), nothing is re-granted.
    expect(failed(await apply(session, { ...renamePlan, changes: [rename] }))).toEqual([]);
    const [row] = await adminQuery<{ oid: number; connect: boolean; select: boolean; member: boolean }>(
      `select oid, has_database_privilege(oid, $2, 'CONNECT') as connect, has_table_privilege(oid, 'public.sales', 'SELECT') as select,
              pg_has_role(oid, $3, 'MEMBER') as member from pg_roles where rolname = $1`,
      [`${p}analyst2`, db, `${p}team`],
      db,
    );
    expect(row).toEqual({ oid, connect: true, select: true, member: true });
    expect(pending(await plan(session, after))).toEqual([]);
  });

  it('sets passwords from the environment, never shows them, and rotates on passwordVersion', async () => {
    const role = `${target.prefix}app`;
    const secret = 'first-Secret-value';
    await session.close();
    session = await target.connect({}, { PG_APP_PASSWORD: secret });
    const v1 = [resource('postgres.role', role, { login: true, passwordFromEnv: 'PG_APP_PASSWORD', passwordVersion: 1 })];
    const created = await plan(session, v1);
    expect(JSON.stringify(created)).not.toContain(secret);
    expect(pending(created)[0]!.fields).toContainEqual({ path: 'passwordFromEnv', after: 'PG_APP_PASSWORD', before: undefined });
    expect(failed(await apply(session, created))).toEqual([]);
    const stored = async () => (await adminQuery<{ rolpassword: string }>('select rolpassword from pg_authid where rolname = $1', [role]))[0]!.rolpassword;
    const first = await stored();
    expect(first).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(pending(await plan(session, v1))).toEqual([]);

    const v2 = [resource('postgres.role', role, { login: true, passwordFromEnv: 'PG_APP_PASSWORD', passwordVersion: 2 })];
    const rotate = pending(await plan(session, v2));
    expect(rotate.map((c) => c.fields)).toEqual([[{ path: 'passwordVersion', before: '1', after: '2' }]]);
    expect(failed(await apply(session, await plan(session, v2)))).toEqual([]);
    expect(await stored()).not.toBe(first);
    expect(pending(await plan(session, v2))).toEqual([]);
  });

  it('refuses to drop a role that owns objects unless the target says how', async () => {
    const { prefix: p, database: db } = target;
    const owner = `${p}owner`;
    const heir = `${p}heir`;
    const grantee = `${p}grantee`;
    await apply(session, await plan(session, [owner, heir, grantee].map((r) => resource('postgres.role', r, {}))));
    await adminQuery(`CREATE TABLE public.kept (id int); ALTER TABLE public.kept OWNER TO ${ident(owner)}; GRANT SELECT ON public.kept TO ${ident(grantee)}`, [], db);
    const deletion = (name: string) => ({ kind: 'postgres.role', target: 'default', name, lifecycle: { retain: false, ignoreFields: [] }, owners: [] });

    const refused = await apply(session, await plan(session, [], { removed: [deletion(owner)] }));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.status).toBe('failed');
    expect(refused[0]!.message).toContain(`role "${owner}" owns 1 object(s) (database "${db}")`);
    expect(refused[0]!.message).toContain('dropRole.reassignOwnedTo');
    expect(await adminQuery('select 1 from pg_roles where rolname = $1', [owner])).toHaveLength(1);

    // A role holding only privileges is dropped after they are revoked.
    expect(failed(await apply(session, await plan(session, [], { removed: [deletion(grantee)] })))).toEqual([]);
    expect(await adminQuery('select 1 from pg_roles where rolname = $1', [grantee])).toHaveLength(0);

    await session.close();
    session = await target.connect({ dropRole: { reassignOwnedTo: heir } });
    expect(failed(await apply(session, await plan(session, [], { removed: [deletion(owner)] })))).toEqual([]);
    expect(await adminQuery('select 1 from pg_roles where rolname = $1', [owner])).toHaveLength(0);
    const [table] = await adminQuery<{ owner: string }>(`select tableowner as owner from pg_tables where tablename = 'kept'`, [], db);
    expect(table!.owner).toBe(heir);
  });

  it('refuses to drop a non-empty schema and, by default, any database', async () => {
    const { prefix: p, database: db } = target;
    await apply(session, await plan(session, [resource('postgres.schema', `${db}/full`, {}), resource('postgres.database', `${p}other`, {})]));
    await adminQuery('CREATE TABLE "full".t (id int)', [], db);
    const gone = (kind: string, name: string) => ({ kind, target: 'default', name, lifecycle: { retain: false, ignoreFields: [] }, owners: [] });
    const results = await apply(session, await plan(session, [], { removed: [gone('postgres.schema', `${db}/full`), gone('postgres.database', `${p}other`)] }));
    expect(results.map((r) => [r.status, r.message])).toEqual([
      ['failed', expect.stringContaining('is not empty, so it is not dropped')],
      ['failed', expect.stringContaining('set allowDropDatabase: true')],
    ]);
  });
});
