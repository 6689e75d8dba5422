import { RejectedError } from '../../core/errors.js';
import type { Change } from '../../core/plan-types.js';
import type { ApplyContext, Parts } from './apply.js';
import { inTransaction } from './connection.js';
import { wantedOnTable } from './diff.js';
import type { DatabaseGrant, DefaultPrivileges, SchemaGrant, TableGrant } from './schema.js';
import {
  DATABASE_PRIVILEGES,
  DEFAULT_OBJECT_TYPES,
  ident,
  privilegeList,
  qualified,
  SCHEMA_PRIVILEGES,
  TABLE_PRIVILEGES,
  without,
  type DefaultObjectType,
} from './sql.js';

/**
 * GRANT what is wanted and REVOKE every other privilege of the object type. Both are
 * idempotent in PostgreSQL (granting a held privilege or revoking a missing one does
 * nothing), so the statements make the state exact whatever it was, and a change applied
 * twice is harmless.
 */
function exactly(all: readonly string[], wanted: readonly string[], on: string, grantee: string): string[] {
  const rest = without(all, wanted);
  return [
    ...(wanted.length > 0 ? [`GRANT ${privilegeList(wanted, all)} ON ${on} TO ${ident(grantee)}`] : []),
    ...(rest.length > 0 ? [`REVOKE ${privilegeList(rest, all)} ON ${on} FROM ${ident(grantee)}`] : []),
  ];
}

async function run(pool: ReturnType<ApplyContext['connection']['pool']>, statements: string[]): Promise<void> {
  if (statements.length === 0) return;
  await inTransaction(pool, async (db) => {
    for (const statement of statements) await db.query(statement);
  });
}

export async function applyDatabaseGrant(ctx: ApplyContext, change: Change, { database, grantee }: Parts): Promise<void> {
  const wanted = change.action === 'delete' ? [] : (change.desired as DatabaseGrant).privileges;
  await run(ctx.connection.pool(), exactly(DATABASE_PRIVILEGES, wanted, `DATABASE ${ident(database)}`, grantee));
}

export async function applySchemaGrant(ctx: ApplyContext, change: Change, { database, schema, grantee }: Parts): Promise<void> {
  const wanted = change.action === 'delete' ? [] : (change.desired as SchemaGrant).privileges;
  await run(ctx.connection.pool(database), exactly(SCHEMA_PRIVILEGES, wanted, `SCHEMA ${ident(schema)}`, grantee));
}

/**
 * The tables of the schema are read inside the transaction (one query), so tables created
 * since the plan get `allTables` too, and only tables whose privileges differ are written.
 * Tables the grantee owns are left alone: an owner's privileges are not grants.
 */
export async function applyTableGrant(ctx: ApplyContext, change: Change, { database, schema, grantee }: Parts): Promise<void> {
  const spec: TableGrant = change.action === 'delete' ? { tables: {} } : (change.desired as TableGrant);
  await inTransaction(ctx.connection.pool(database), async (db) => {
    const { rows } = await db.query<{ relname: string; held: string[] }>(
      `select c.relname,
              coalesce((select array_agg(a.privilege_type::text order by a.privilege_type)
                          from pg_catalog.aclexplode(c.relacl) a where a.grantee = r.oid), '{}') as held
         from pg_catalog.pg_class c
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         join pg_catalog.pg_roles r on r.rolname = $2
        where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f') and c.relowner <> r.oid`,
      [schema, grantee],
    );
    if (rows.length === 0 && change.action !== 'delete') {
      const known = await db.query('select 1 from pg_catalog.pg_roles where rolname = $1', [grantee]);
      if ((known.rowCount ?? 0) === 0) throw new RejectedError(`role "${grantee}" does not exist.`);
    }
    const live = new Set(rows.map((r) => r.relname));
    const missing = Object.keys(spec.tables ?? {}).filter((t) => !live.has(t));
    if (missing.length > 0) {
      throw new RejectedError(`table(s) ${missing.map((t) => `"${t}"`).join(', ')} do not exist in schema "${schema}" of database "${database}" (or belong to "${grantee}").`);
    }
    for (const row of rows) {
      const wanted = wantedOnTable(spec, row.relname);
      if (wanted.join() === [...row.held].sort().join()) continue;
      for (const statement of exactly(TABLE_PRIVILEGES, wanted, `TABLE ${qualified(schema, row.relname)}`, grantee)) await db.query(statement);
    }
  });
}

export async function applyDefaultPrivileges(ctx: ApplyContext, change: Change, { database, schema, forRole, grantee }: Parts): Promise<void> {
  const spec = (change.action === 'delete' ? {} : change.desired) as DefaultPrivileges;
  const types = Object.keys(DEFAULT_OBJECT_TYPES) as DefaultObjectType[];
  const statements: string[] = [];
  for (const type of types) {
    const { keyword, privileges } = DEFAULT_OBJECT_TYPES[type];
    // A type the spec leaves out is not managed (a deletion clears every type).
    const wanted = change.action === 'delete' ? [] : spec[type];
    if (wanted === undefined) continue;
    const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(forRole)} IN SCHEMA ${ident(schema)}`;
    const rest = without(privileges, wanted);
    if (wanted.length > 0) statements.push(`${prefix} GRANT ${privilegeList(wanted, privileges)} ON ${keyword} TO ${ident(grantee)}`);
    if (rest.length > 0) statements.push(`${prefix} REVOKE ${privilegeList(rest, privileges)} ON ${keyword} FROM ${ident(grantee)}`);
  }
  await run(ctx.connection.pool(database), statements);
}
