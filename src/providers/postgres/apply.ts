import type { Logger } from 'pino';
import { ConfigurationError, RejectedError } from '../../core/errors.js';
import type { Change } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import { inTransaction, type Connection } from './connection.js';
import { sqlState } from './errors.js';
import type { NameParts } from './names.js';
import { passwordMarker, scramVerifier } from './password.js';
import type { Database, Role, RoleMembership, Schema, TargetSettings } from './schema.js';
import type { Scope } from './scope.js';
import { ident, literal } from './sql.js';

export interface ApplyContext {
  connection: Connection;
  scope: Scope;
  settings: TargetSettings;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
}

export type Parts = Required<NameParts>;

type Db = { query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }> };

const exists = async (db: Db, sql: string, name: string) => ((await db.query(sql, [name])).rowCount ?? 0) > 0;
const roleExists = (db: Db, name: string) => exists(db, 'select 1 from pg_catalog.pg_roles where rolname = $1', name);
const databaseExists = (db: Db, name: string) => exists(db, 'select 1 from pg_catalog.pg_database where datname = $1', name);
const schemaExists = (db: Db, name: string) => exists(db, 'select 1 from pg_catalog.pg_namespace where nspname = $1', name);

/**
 * Rename `from` to `to` when only `from` exists; nothing when only `to` does (done before);
 * a conflict when both exist. Returns whether `to` exists afterwards.
 */
async function renameIfNeeded(
  db: Db,
  what: string,
  from: string,
  to: string,
  existsIn: (db: Db, name: string) => Promise<boolean>,
  statement: string,
): Promise<boolean> {
  const [hasFrom, hasTo] = [await existsIn(db, from), await existsIn(db, to)];
  if (hasFrom && hasTo) throw new RejectedError(`cannot rename ${what} "${from}" to "${to}": both exist`);
  if (hasFrom) await db.query(statement);
  return hasFrom || hasTo;
}

function roleOptions(spec: Role): string[] {
  const flag = (value: boolean | undefined, yes: string, no: string) => (value === undefined ? [] : [value ? yes : no]);
  return [
    ...flag(spec.login, 'LOGIN', 'NOLOGIN'),
    ...flag(spec.inherit, 'INHERIT', 'NOINHERIT'),
    ...flag(spec.createdb, 'CREATEDB', 'NOCREATEDB'),
    ...flag(spec.createrole, 'CREATEROLE', 'NOCREATEROLE'),
    ...(spec.connectionLimit === undefined ? [] : [`CONNECTION LIMIT ${Math.trunc(spec.connectionLimit)}`]),
    ...(spec.validUntil === undefined ? [] : [`VALID UNTIL ${literal(spec.validUntil)}`]),
  ];
}

const PASSWORD_FIELDS = new Set(['passwordFromEnv', 'passwordVersion']);

function passwordFor(ctx: ApplyContext, spec: Role, resource: string): string {
  const name = spec.passwordFromEnv!;
  const value = ctx.env[name];
  if (!value) {
    throw new ConfigurationError(`postgres target "${ctx.connection.target}": environment variable ${name} (the password of ${resource}) is not set.`, { resource });
  }
  ctx.connection.addSecret(value);
  return value;
}

export async function applyRole(ctx: ApplyContext, change: Change, { role }: Parts, from: Parts | undefined): Promise<void> {
  if (change.action === 'delete') return dropRole(ctx, role);
  const spec = change.desired as Role;
  const resource = resourceKey(change);
  const touchesPassword = change.action === 'create' || change.fields.some((f) => PASSWORD_FIELDS.has(f.path));
  // Read before the transaction, so a missing variable fails the change before any SQL runs.
  const password = spec.passwordFromEnv && touchesPassword ? passwordFor(ctx, spec, resource) : undefined;
  await inTransaction(ctx.connection.pool(), async (db) => {
    const existed = from
      ? await renameIfNeeded(db, 'role', from.role, role, roleExists, `ALTER ROLE ${ident(from.role)} RENAME TO ${ident(role)}`)
      : await roleExists(db, role);
    const options = roleOptions(spec);
    if (!existed) await db.query(`CREATE ROLE ${ident(role)}${options.length > 0 ? ` WITH ${options.join(' ')}` : ''}`);
    else if (options.length > 0) await db.query(`ALTER ROLE ${ident(role)} WITH ${options.join(' ')}`);
    const secret = password ?? (!existed && spec.passwordFromEnv ? passwordFor(ctx, spec, resource) : undefined);
    if (secret !== undefined) {
      // Always a verifier: PostgreSQL stores it as given, and the password never reaches SQL text.
      await db.query(`ALTER ROLE ${ident(role)} PASSWORD ${literal(scramVerifier(secret))}`);
      await db.query(`COMMENT ON ROLE ${ident(role)} IS ${literal(passwordMarker(spec.passwordFromEnv!, spec.passwordVersion))}`);
    }
  });
}

/**
 * DROP ROLE, after dealing with what the role owns as the target's `dropRole` settings say.
 * A role that owns objects is never dropped unless those settings allow it.
 */
async function dropRole(ctx: ApplyContext, role: string): Promise<void> {
  const main = ctx.connection.pool();
  const found = await main.query<{ oid: number }>('select oid from pg_catalog.pg_roles where rolname = $1', [role]);
  const oid = found.rows[0]?.oid;
  if (oid === undefined) return;
  const { rows } = await main.query<{ datname: string | null; owned: number }>(
    `select d.datname, (count(*) filter (where s.deptype = 'o'))::int as owned
       from pg_catalog.pg_shdepend s left join pg_catalog.pg_database d on d.oid = s.dbid
      where s.refclassid = 'pg_catalog.pg_authid'::regclass and s.refobjid = $1
      group by d.datname`,
    [oid],
  );
  const { reassignOwnedTo, dropOwned } = ctx.settings.dropRole;
  const owned = rows.reduce((sum, r) => sum + r.owned, 0);
  if (owned > 0 && !reassignOwnedTo && !dropOwned) {
    const where = rows.filter((r) => r.owned > 0).map((r) => (r.datname === null ? 'cluster-wide (databases)' : `database "${r.datname}"`));
    throw new RejectedError(
      `role "${role}" owns ${owned} object(s) (${where.join(', ')}), so it is not dropped. ` +
        `Reassign them first, or set dropRole.reassignOwnedTo (or dropRole.dropOwned) in the settings of postgres target "${ctx.connection.target}".`,
    );
  }
  const databases = rows.map((r) => r.datname).filter((d): d is string => d !== null && d !== ctx.connection.identity.database);
  for (const database of databases) {
    const problem = ctx.scope.contentProblem(database);
    if (problem) throw new RejectedError(`role "${role}" has objects or privileges in database "${database}", which this target does not reach (${problem}); it is not dropped.`);
  }
  const cleanUp = async (db: Db) => {
    if (!reassignOwnedTo && !dropOwned) {
      // Owned objects may have appeared since the check above; never drop them silently.
      const again = await db.query(
        `select 1 from pg_catalog.pg_shdepend s
          where s.refclassid = 'pg_catalog.pg_authid'::regclass and s.refobjid = $1 and s.deptype = 'o'
            and s.dbid in (0, (select oid from pg_catalog.pg_database where datname = current_database()))`,
        [oid],
      );
      if ((again.rowCount ?? 0) > 0) throw new RejectedError(`role "${role}" owns objects, so it is not dropped.`);
    }
    if (reassignOwnedTo) await db.query(`REASSIGN OWNED BY ${ident(role)} TO ${ident(reassignOwnedTo)}`);
    // Revokes the role's privileges and default privileges (and, with dropOwned, drops what it still owns).
    await db.query(`DROP OWNED BY ${ident(role)}`);
  };
  for (const database of databases) await inTransaction(ctx.connection.pool(database), cleanUp);
  await inTransaction(main, async (db) => {
    await cleanUp(db);
    await db.query(`DROP ROLE IF EXISTS ${ident(role)}`);
  });
}

export async function applyMembership(ctx: ApplyContext, change: Change, { role, member }: Parts): Promise<void> {
  const main = ctx.connection.pool();
  if (change.action === 'delete') {
    await main.query(`REVOKE ${ident(role)} FROM ${ident(member)}`);
    return;
  }
  const spec = change.desired as RoleMembership;
  await inTransaction(main, async (db) => {
    await db.query(`GRANT ${ident(role)} TO ${ident(member)}${spec.admin ? ' WITH ADMIN OPTION' : ''}`);
    if (spec.admin === false) await db.query(`REVOKE ADMIN OPTION FOR ${ident(role)} FROM ${ident(member)}`);
  });
}

function databaseOptions(spec: Database): string[] {
  return [
    ...(spec.owner === undefined ? [] : [`OWNER ${ident(spec.owner)}`]),
    ...(spec.connectionLimit === undefined ? [] : [`CONNECTION LIMIT ${Math.trunc(spec.connectionLimit)}`]),
  ];
}

export async function applyDatabase(ctx: ApplyContext, change: Change, { database }: Parts, from: Parts | undefined): Promise<void> {
  const main = ctx.connection.pool();
  const self = ctx.connection.identity.database;
  if (change.action === 'delete') {
    if (!ctx.settings.allowDropDatabase) {
      throw new RejectedError(
        `database "${database}" is not dropped: dropping databases destroys their data and is off; set allowDropDatabase: true in the settings of postgres target "${ctx.connection.target}" to allow it.`,
      );
    }
    if (database === self) throw new RejectedError(`database "${database}" is the one target "${ctx.connection.target}" connects to; it cannot be dropped.`);
    await ctx.connection.release(database);
    await main.query(`DROP DATABASE IF EXISTS ${ident(database)}`);
    return;
  }
  const spec = change.desired as Database;
  if (from) {
    if (from.database === self) throw new RejectedError(`database "${from.database}" is the one target "${ctx.connection.target}" connects to; it cannot be renamed.`);
    // A database with sessions cannot be renamed, our own idle ones included.
    await ctx.connection.release(from.database);
    await renameIfNeeded(main, 'database', from.database, database, databaseExists, `ALTER DATABASE ${ident(from.database)} RENAME TO ${ident(database)}`);
  }
  if (!(await databaseExists(main, database))) {
    // CREATE DATABASE cannot run inside a transaction; it is one statement, atomic by itself.
    try {
      await main.query(`CREATE DATABASE ${ident(database)}${['', ...databaseOptions(spec)].join(' ')}`);
      return;
    } catch (error) {
      if (sqlState(error) !== '42P04') throw error; // created meanwhile: converge its options below
    }
  }
  await inTransaction(main, async (db) => {
    if (spec.owner !== undefined) await db.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(spec.owner)}`);
    if (spec.connectionLimit !== undefined) await db.query(`ALTER DATABASE ${ident(database)} CONNECTION LIMIT ${Math.trunc(spec.connectionLimit)}`);
  });
}

export async function applySchema(ctx: ApplyContext, change: Change, { database, schema }: Parts, from: Parts | undefined): Promise<void> {
  if (from && from.database !== database) throw new RejectedError(`schema "${from.schema}" cannot move from database "${from.database}" to "${database}".`);
  const pool = ctx.connection.pool(database);
  if (change.action === 'delete') {
    try {
      await pool.query(`DROP SCHEMA IF EXISTS ${ident(schema)}`);
    } catch (error) {
      if (sqlState(error) !== '2BP01') throw error;
      throw new RejectedError(`schema "${schema}" in database "${database}" is not empty, so it is not dropped (Converge never drops with CASCADE).`, { cause: error });
    }
    return;
  }
  const spec = change.desired as Schema;
  await inTransaction(pool, async (db) => {
    if (from) await renameIfNeeded(db, 'schema', from.schema, schema, schemaExists, `ALTER SCHEMA ${ident(from.schema)} RENAME TO ${ident(schema)}`);
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    if (spec.owner !== undefined) await db.query(`ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(spec.owner)}`);
  });
}
