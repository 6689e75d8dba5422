import { applyDatabaseGrant } from '../apply-grants.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifyDatabaseGrant } from '../risk.js';
import { DatabaseGrant } from '../schema.js';

export const databaseGrantKind: PostgresKind<DatabaseGrant> = {
  kind: KIND.databaseGrant,
  description: 'Privileges of a role on a database, named <database>/<grantee>.',
  spec: DatabaseGrant,
  renamable: false,
  classify: classifyDatabaseGrant,
  validateName: nameCheck(KIND.databaseGrant),
  inDatabase: false,
  needs: { databases: true },
  readAll: (state) => state.databaseGrants(),
  apply: applyDatabaseGrant,
};
