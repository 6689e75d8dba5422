import { applySchemaGrant } from '../apply-grants.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifySchemaGrant } from '../risk.js';
import { SchemaGrant } from '../schema.js';

export const schemaGrantKind: PostgresKind<SchemaGrant> = {
  kind: KIND.schemaGrant,
  description: 'Privileges of a role on a schema, named <database>/<schema>/<grantee>.',
  spec: SchemaGrant,
  renamable: false,
  classify: classifySchemaGrant,
  validateName: nameCheck(KIND.schemaGrant),
  inDatabase: true,
  needs: {},
  readAll: (state) => state.schemaGrants(),
  apply: applySchemaGrant,
};
