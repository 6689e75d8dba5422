import { applyMembership } from '../apply.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifyMembership } from '../risk.js';
import { RoleMembership } from '../schema.js';

export const membershipKind: PostgresKind<RoleMembership> = {
  kind: KIND.membership,
  description: 'Membership of a member role in a role, named <role>/<member>.',
  spec: RoleMembership,
  renamable: false,
  classify: classifyMembership,
  validateName: nameCheck(KIND.membership),
  inDatabase: false,
  needs: { memberships: true },
  readAll: (state) => state.memberships(),
  apply: applyMembership,
  importDefaults: () => ({ admin: false }),
};
