import { applyRole } from '../apply.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifyRole } from '../risk.js';
import { Role } from '../schema.js';

export const roleKind: PostgresKind<Role> = {
  kind: KIND.role,
  description: 'A PostgreSQL role (user or group), named <role>.',
  spec: Role,
  renamable: true,
  classify: classifyRole,
  validateName: nameCheck(KIND.role),
  inDatabase: false,
  needs: {},
  readAll: (state) => state.roles(),
  apply: applyRole,
  // CREATE ROLE's defaults: NOLOGIN INHERIT NOCREATEDB NOCREATEROLE CONNECTION LIMIT -1, no expiry.
  importDefaults: () => ({ login: false, inherit: true, createdb: false, createrole: false, connectionLimit: -1, validUntil: 'infinity' }),
};
