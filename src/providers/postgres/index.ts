import type { Provider, ResourceKind } from '../../core/provider.js';
import type { ProviderDeps } from '../deps.js';
import { Connection } from './connection.js';
import { diffTableGrant } from './diff.js';
import { KIND, parseName, type KindName } from './names.js';
import {
  Database,
  DatabaseGrant,
  DefaultPrivileges,
  Role,
  RoleMembership,
  Schema,
  SchemaGrant,
  Settings,
  TableGrant,
} from './schema.js';
import { Scope } from './scope.js';
import { PostgresSession } from './session.js';

const nameCheck = (kind: KindName) => (name: string) => {
  const parts = parseName(kind, name);
  return typeof parts === 'string' ? parts : undefined;
};

function kind<Spec extends Record<string, unknown>>(
  name: KindName,
  description: string,
  spec: ResourceKind<Spec>['spec'],
  extra: Partial<Pick<ResourceKind<Spec>, 'renamable' | 'diff'>> = {},
): ResourceKind<Spec> {
  return { kind: name, description, spec, renamable: extra.renamable ?? false, validateName: nameCheck(name), ...(extra.diff ? { diff: extra.diff } : {}) };
}

/** In dependency order: creates run top to bottom, deletions bottom to top. */
export const postgresKinds = [
  kind(KIND.role, 'A PostgreSQL role (user or group), named <role>.', Role, { renamable: true }),
  kind(KIND.membership, 'Membership of a member role in a role, named <role>/<member>.', RoleMembership),
  kind(KIND.database, 'A database and its owner, named <database>.', Database, { renamable: true }),
  kind(KIND.schema, 'A schema and its owner, named <database>/<schema>.', Schema, { renamable: true }),
  kind(KIND.databaseGrant, 'Privileges of a role on a database, named <database>/<grantee>.', DatabaseGrant),
  kind(KIND.schemaGrant, 'Privileges of a role on a schema, named <database>/<schema>/<grantee>.', SchemaGrant),
  kind(KIND.tableGrant, "A role's privileges on the tables of a schema, named <database>/<schema>/<grantee>.", TableGrant, {
    diff: diffTableGrant,
  }),
  kind(
    KIND.defaultPrivileges,
    'Privileges a role gets on objects another role creates in a schema later, named <database>/<schema>/<forRole>/<grantee>.',
    DefaultPrivileges,
  ),
];

export const postgresProvider: Provider<Settings, ProviderDeps> = {
  name: 'postgres',
  kinds: postgresKinds,
  targetSettings: Settings,
  async connect(target, deps) {
    const log = deps.log.child({ provider: 'postgres', target: target.name });
    const connection = await Connection.open(target.name, target.settings, deps.env, log);
    const scope = new Scope(target.settings, connection.identity);
    return new PostgresSession({ connection, scope, settings: target.settings, env: deps.env, log });
  },
};
