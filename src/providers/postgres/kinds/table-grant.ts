import { applyTableGrant } from '../apply-grants.js';
import { diffTableGrant } from '../diff.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifyTableGrant } from '../risk.js';
import { TableGrant } from '../schema.js';

export const tableGrantKind: PostgresKind<TableGrant> = {
  kind: KIND.tableGrant,
  description: "A role's privileges on the tables of a schema, named <database>/<schema>/<grantee>.",
  spec: TableGrant,
  renamable: false,
  classify: classifyTableGrant,
  validateName: nameCheck(KIND.tableGrant),
  inDatabase: true,
  needs: { tables: true },
  readAll: (state) => state.tableGrants(),
  // A grant on a schema with no table it could apply to holds nothing, and is satisfied.
  readMissing: (state, parts) => state.emptyTableGrant(parts),
  diff: diffTableGrant,
  apply: applyTableGrant,
};
