import { applyDefaultPrivileges } from '../apply-grants.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifyDefaultPrivileges } from '../risk.js';
import { DefaultPrivileges } from '../schema.js';

export const defaultPrivilegesKind: PostgresKind<DefaultPrivileges> = {
  kind: KIND.defaultPrivileges,
  description: 'Privileges a role gets on objects another role creates in a schema later, named <database>/<schema>/<forRole>/<grantee>.',
  spec: DefaultPrivileges,
  renamable: false,
  classify: classifyDefaultPrivileges,
  validateName: nameCheck(KIND.defaultPrivileges),
  inDatabase: true,
  needs: { defaults: true },
  readAll: (state) => state.defaultPrivileges(),
  apply: applyDefaultPrivileges,
};
