import type { Connection, Queryable } from './connection.js';
import { readError } from '../../core/errors.js';
import type { ReadError } from '../../core/plan-types.js';
import { postgresReadError, toPostgresError } from './errors.js';
import type { Scope } from './scope.js';

/**
 * Bulk reads from the system catalogs. A read runs at most three cluster-wide queries (roles,
 * memberships, databases with their ACLs) plus at most three per database whose contents
 * are needed (schemas, tables, default privileges), however many resources are involved.
 * ACLs are exploded in SQL (aclexplode) so nothing here parses PostgreSQL's ACL text.
 */

export interface AclEntry {
  /** Role OID (cast to int8 in SQL: JSON renders oid as a string); 0 is PUBLIC. */
  grantee: number;
  privilege: string;
}

export interface RoleRow {
  oid: number;
  rolname: string;
  rolcanlogin: boolean;
  rolinherit: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolconnlimit: number;
  valid_until: string;
  comment: string | null;
}

export interface MembershipRow {
  roleid: number;
  member: number;
  admin: boolean;
}

export interface DatabaseRow {
  datname: string;
  datdba: number;
  datconnlimit: number;
  datallowconn: boolean;
  datistemplate: boolean;
  can_connect: boolean;
  acl: AclEntry[];
}

export interface SchemaRow {
  oid: number;
  nspname: string;
  nspowner: number;
  acl: AclEntry[];
}

export interface TableRow {
  relnamespace: number;
  relname: string;
  relowner: number;
  acl: AclEntry[];
}

export interface DefaultAclRow {
  defaclrole: number;
  defaclnamespace: number;
  defaclobjtype: string;
  acl: AclEntry[];
}

export interface Contents {
  schemas: SchemaRow[];
  tables: TableRow[];
  defaults: DefaultAclRow[];
}

export interface Catalog {
  roles: Map<number, RoleRow>;
  memberships: MembershipRow[];
  databases: DatabaseRow[];
  /** Per database read: its contents, or why they could not be read. */
  contents: Map<string, Contents | { error: ReadError }>;
}

export interface CatalogNeeds {
  memberships: boolean;
  databases: boolean;
  /** Databases whose contents to read: a list, or every database in reach. */
  contents: 'all' | ReadonlySet<string>;
  tables: boolean;
  defaults: boolean;
}

const acl = (column: string) =>
  `coalesce((select json_agg(json_build_object('grantee', a.grantee::int8, 'privilege', a.privilege_type))
              from pg_catalog.aclexplode(${column}) a), '[]'::json) as acl`;

const ROLES = `
  select r.oid, r.rolname, r.rolcanlogin, r.rolinherit, r.rolcreatedb, r.rolcreaterole, r.rolconnlimit,
         case when r.rolvaliduntil is null or not isfinite(r.rolvaliduntil) then 'infinity'
              else to_char(r.rolvaliduntil at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end as valid_until,
         pg_catalog.shobj_description(r.oid, 'pg_authid') as comment
    from pg_catalog.pg_roles r`;

// Grouped so servers keeping one row per grantor (PostgreSQL 16+) read the same as older ones.
const MEMBERSHIPS = `
  select roleid, member, bool_or(admin_option) as admin
    from pg_catalog.pg_auth_members group by roleid, member`;

const DATABASES = `
  select d.datname, d.datdba, d.datconnlimit, d.datallowconn, d.datistemplate,
         pg_catalog.has_database_privilege(d.oid, 'CONNECT') as can_connect, ${acl('d.datacl')}
    from pg_catalog.pg_database d`;

const SCHEMAS = `select n.oid, n.nspname, n.nspowner, ${acl('n.nspacl')} from pg_catalog.pg_namespace n`;

// Every relation GRANT … ON TABLE accepts: tables, partitioned tables, views, materialized
// views, foreign tables. System schemas are left out here, before any row crosses the wire.
const TABLES = `
  select c.relnamespace, c.relname, c.relowner, ${acl('c.relacl')}
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'f')
     and n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'`;

const DEFAULT_ACLS = `
  select d.defaclrole, d.defaclnamespace, d.defaclobjtype, ${acl('d.defaclacl')}
    from pg_catalog.pg_default_acl d where d.defaclnamespace <> 0`;

async function rows<T>(db: Queryable, sql: string): Promise<T[]> {
  return (await db.query(sql)).rows as T[];
}

async function readContents(connection: Connection, database: string, needs: CatalogNeeds): Promise<Contents | { error: ReadError }> {
  try {
    const db = connection.pool(database);
    const [schemas, tables, defaults] = await Promise.all([
      rows<SchemaRow>(db, SCHEMAS),
      needs.tables ? rows<TableRow>(db, TABLES) : Promise.resolve([]),
      needs.defaults ? rows<DefaultAclRow>(db, DEFAULT_ACLS) : Promise.resolve([]),
    ]);
    return { schemas, tables, defaults };
  } catch (error) {
    return { error: postgresReadError(toPostgresError(error, connection, { while: `reading database "${database}"` })) };
  }
}

/** One consistent-enough snapshot of what `needs` asks for. Throws (typed) when the main queries fail. */
export async function readCatalog(connection: Connection, scope: Scope, needs: CatalogNeeds): Promise<Catalog> {
  const main = connection.pool();
  const wantDatabases = needs.databases || needs.contents === 'all' || needs.contents.size > 0;
  let roleRows: RoleRow[];
  let memberships: MembershipRow[];
  let databases: DatabaseRow[];
  try {
    [roleRows, memberships, databases] = await Promise.all([
      rows<RoleRow>(main, ROLES),
      needs.memberships ? rows<MembershipRow>(main, MEMBERSHIPS) : Promise.resolve([]),
      wantDatabases ? rows<DatabaseRow>(main, DATABASES) : Promise.resolve([]),
    ]);
  } catch (error) {
    throw toPostgresError(error, connection, { while: 'reading the catalogs' });
  }

  const live = new Map(databases.map((d) => [d.datname, d]));
  const names =
    needs.contents === 'all'
      ? databases.filter((d) => !d.datistemplate && d.datallowconn && d.can_connect && !scope.contentProblem(d.datname)).map((d) => d.datname)
      : [...needs.contents].filter((name) => live.has(name));
  const contents = new Map<string, Contents | { error: ReadError }>();
  await Promise.all(
    names.map(async (name) => {
      const database = live.get(name)!;
      if (!database.datallowconn) contents.set(name, { error: readError('connection', `postgres target "${connection.target}": database "${name}" does not allow connections`) });
      else contents.set(name, await readContents(connection, name, needs));
    }),
  );
  return { roles: new Map(roleRows.map((r) => [r.oid, r])), memberships, databases, contents };
}
