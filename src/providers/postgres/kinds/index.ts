import type { PostgresKind } from '../kind.js';
import type { KindName } from '../names.js';
import { databaseGrantKind } from './database-grant.js';
import { databaseKind } from './database.js';
import { defaultPrivilegesKind } from './default-privileges.js';
import { membershipKind } from './role-membership.js';
import { roleKind } from './role.js';
import { schemaGrantKind } from './schema-grant.js';
import { schemaKind } from './schema.js';
import { tableGrantKind } from './table-grant.js';

/** In dependency order: creates run top to bottom, deletions bottom to top. */
export const POSTGRES_KINDS: readonly PostgresKind<any>[] = [
  roleKind,
  membershipKind,
  databaseKind,
  schemaKind,
  databaseGrantKind,
  schemaGrantKind,
  tableGrantKind,
  defaultPrivilegesKind,
];

const BY_NAME = new Map<string, PostgresKind<any>>(POSTGRES_KINDS.map((k) => [k.kind, k]));

/** The kind named `name`, or undefined when postgres has no such kind. */
export function postgresKind(name: string): PostgresKind<any> | undefined {
  return BY_NAME.get(name);
}

/** The kind of a name `isKindName` accepted. */
export function kindOf(name: KindName): PostgresKind<any> {
  return BY_NAME.get(name)!;
}
