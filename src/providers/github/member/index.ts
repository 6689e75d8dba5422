import type { GitHubKind } from '../kind.js';
import { loginProblem } from '../shared/names.js';
import { referencesTo } from '../shared/references.js';
import { applyMember } from './apply.js';
import { members, readMembers } from './read.js';
import { classifyMember } from './risk.js';
import { Member } from './schema.js';

export { Member } from './schema.js';

export const memberKind: GitHubKind<Member> = {
  kind: 'github.member',
  description: 'A member of the org, named by login. Read-only: differences are reported, nobody is invited or removed.',
  spec: Member,
  renamable: false,
  classify: classifyMember,
  readOnly: 'org membership is read-only in Converge: invite, remove or change members on GitHub',
  validateName: loginProblem,
  read: readMembers,
  apply: applyMember,
  bulkRead: members,
  references: ({ name }) => referencesTo('user', [name], 'a member of the org', 'declared'),
  importDefaults: () => ({ role: 'member' }),
};
