import type { ActualResource } from '../../core/resource.js';
import type { AclEntry, Catalog, Contents, SchemaRow } from './catalog.js';
import { KIND, joinName, type KindName, type NameParts } from './names.js';
import { readPasswordMarker } from './password.js';
import type { Scope } from './scope.js';
import { canonicalPrivileges, DEFAULT_OBJECT_TYPES, type DefaultObjectType } from './sql.js';
import { pushTo } from '../../core/collections.js';

/**
 * Catalog rows → resources in the kinds' spec shapes. Only manageable objects become
 * resources: system and ignored roles, databases and schemas never do, nor do PUBLIC grants
 * or an owner's own privileges (implicit in PostgreSQL, not grants one manages).
 */
export class LiveState {
  private readonly byName: Map<string, { oid: number }>;

  constructor(
    private readonly catalog: Catalog,
    private readonly scope: Scope,
    private readonly target: string,
  ) {
    this.byName = new Map([...catalog.roles.values()].map((r) => [r.rolname, r]));
  }

  private roleName(oid: number): string | undefined {
    return this.catalog.roles.get(oid)?.rolname;
  }

  /** The name of a role that may appear in a resource's identity, or undefined. */
  private manageableRole(oid: number): string | undefined {
    const row = this.catalog.roles.get(oid);
    return row && !this.scope.roleProblem(row.rolname, row.oid) ? row.rolname : undefined;
  }

  private resource(kind: KindName, parts: string[], spec: Record<string, unknown>): ActualResource {
    return { kind, target: this.target, name: joinName(parts), spec };
  }

  /** Privileges per manageable grantee, PUBLIC and `owner` left out. */
  private grantees(acl: AclEntry[], owner: number): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const entry of acl) {
      if (entry.grantee === 0 || entry.grantee === owner) continue;
      const name = this.manageableRole(entry.grantee);
      if (name === undefined) continue;
      pushTo(out, name, entry.privilege);
    }
    return out;
  }

  /**
   * A table grant whose schema has no table it could apply to (none yet, or all owned by the
   * grantee) holds nothing, yet is satisfied: it reads as existing and empty, so it converges
   * instead of being planned as a create on every run.
   */
  emptyTableGrant(parts: Required<NameParts>): ActualResource | undefined {
    const contents = this.catalog.contents.get(parts.database);
    if (!contents || 'error' in contents) return undefined;
    const schema = contents.schemas.find((s) => s.nspname === parts.schema);
    const grantee = this.byName.get(parts.grantee);
    if (!schema || !grantee) return undefined;
    const applicable = contents.tables.some((t) => t.relnamespace === schema.oid && t.relowner !== grantee.oid);
    return applicable ? undefined : this.resource(KIND.tableGrant, [parts.database, parts.schema, parts.grantee], { tables: {} });
  }

  databases(): ActualResource[] {
    return this.manageableDatabases().map((d) =>
      this.resource(KIND.database, [d.datname], { owner: this.roleName(d.datdba) ?? String(d.datdba), connectionLimit: d.datconnlimit }),
    );
  }

  databaseGrants(): ActualResource[] {
    return this.manageableDatabases().flatMap((d) =>
      [...this.grantees(d.acl, d.datdba)].map(([grantee, privileges]) =>
        this.resource(KIND.databaseGrant, [d.datname, grantee], { privileges: canonicalPrivileges(privileges) }),
      ),
    );
  }

  schemas(): ActualResource[] {
    return this.eachSchema((db, s) => [this.resource(KIND.schema, [db, s.nspname], { owner: this.roleName(s.nspowner) ?? String(s.nspowner) })]);
  }

  schemaGrants(): ActualResource[] {
    return this.eachSchema((db, s) =>
      [...this.grantees(s.acl, s.nspowner)].map(([grantee, privileges]) =>
        this.resource(KIND.schemaGrant, [db, s.nspname, grantee], { privileges: canonicalPrivileges(privileges) }),
      ),
    );
  }

  tableGrants(): ActualResource[] {
    return this.eachSchema((db, s, contents) => this.tableGrantsIn(db, s, contents));
  }

  defaultPrivileges(): ActualResource[] {
    return this.eachSchema((db, s, contents) => this.defaultPrivilegesIn(db, s, contents));
  }

  roles(): ActualResource[] {
    const out: ActualResource[] = [];
    for (const row of this.catalog.roles.values()) {
      if (this.scope.roleProblem(row.rolname, row.oid)) continue;
      out.push(
        this.resource(KIND.role, [row.rolname], {
          login: row.rolcanlogin,
          inherit: row.rolinherit,
          createdb: row.rolcreatedb,
          createrole: row.rolcreaterole,
          connectionLimit: row.rolconnlimit,
          validUntil: row.valid_until,
          ...readPasswordMarker(row.comment),
        }),
      );
    }
    return out;
  }

  memberships(): ActualResource[] {
    const out: ActualResource[] = [];
    for (const row of this.catalog.memberships) {
      const role = this.manageableRole(row.roleid);
      const member = this.manageableRole(row.member);
      if (role === undefined || member === undefined) continue;
      out.push(this.resource(KIND.membership, [role, member], { admin: row.admin }));
    }
    return out;
  }

  private manageableDatabases() {
    return this.catalog.databases.filter((d) => !d.datistemplate && !this.scope.databaseProblem(d.datname));
  }

  private eachSchema(build: (database: string, schema: SchemaRow, contents: Contents) => ActualResource[]): ActualResource[] {
    const out: ActualResource[] = [];
    for (const [database, contents] of this.catalog.contents) {
      if ('error' in contents) continue;
      for (const schema of contents.schemas) {
        if (!this.scope.schemaProblem(schema.nspname)) out.push(...build(database, schema, contents));
      }
    }
    return out;
  }

  private tableGrantsIn(database: string, schema: SchemaRow, contents: Contents): ActualResource[] {
    const tables = contents.tables.filter((t) => t.relnamespace === schema.oid);
    const held = new Map<string, Map<string, string[]>>();
    const granteeOids = new Map<string, number>();
    for (const table of tables) {
      for (const entry of table.acl) {
        if (entry.grantee === 0 || entry.grantee === table.relowner) continue;
        const name = this.manageableRole(entry.grantee);
        if (name === undefined) continue;
        granteeOids.set(name, entry.grantee);
        const perTable = held.get(name) ?? new Map<string, string[]>();
        pushTo(perTable, table.relname, entry.privilege);
        held.set(name, perTable);
      }
    }
    return [...held].map(([grantee, perTable]) => {
      const oid = granteeOids.get(grantee);
      const spec = Object.fromEntries(
        tables.filter((t) => t.relowner !== oid).map((t) => [t.relname, canonicalPrivileges(perTable.get(t.relname) ?? [])]),
      );
      return this.resource(KIND.tableGrant, [database, schema.nspname, grantee], { tables: spec });
    });
  }

  private defaultPrivilegesIn(database: string, schema: SchemaRow, contents: Contents): ActualResource[] {
    const byKey = new Map<string, { forRole: string; grantee: string; spec: Record<DefaultObjectType, string[]> }>();
    const types = Object.entries(DEFAULT_OBJECT_TYPES) as [DefaultObjectType, (typeof DEFAULT_OBJECT_TYPES)[DefaultObjectType]][];
    for (const row of contents.defaults) {
      if (row.defaclnamespace !== schema.oid) continue;
      const forRole = this.manageableRole(row.defaclrole);
      const type = types.find(([, t]) => t.code === row.defaclobjtype)?.[0];
      if (forRole === undefined || type === undefined) continue;
      for (const entry of row.acl) {
        const grantee = entry.grantee === 0 ? undefined : this.manageableRole(entry.grantee);
        if (grantee === undefined) continue;
        const key = JSON.stringify([forRole, grantee]);
        const item = byKey.get(key) ?? { forRole, grantee, spec: { tables: [], sequences: [], functions: [], types: [] } };
        item.spec[type] = canonicalPrivileges([...item.spec[type], entry.privilege]);
        byKey.set(key, item);
      }
    }
    return [...byKey.values()].map(({ forRole, grantee, spec }) =>
      this.resource(KIND.defaultPrivileges, [database, schema.nspname, forRole, grantee], spec),
    );
  }
}
