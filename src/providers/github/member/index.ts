import type { GitHubKind } from '../kind.js';
import { loginProblem } from '../names.js';
import { applyMember } from './apply.js';
import { readMembers } from './read.js';
import { Member } from './schema.js';

export { Member } from './schema.js';
export { members } from './read.js';

export const memberKind: GitHubKind<Member> = {
  kind: 'github.member',
  description: 'A member of the org, named by login. Read-only: differences are reported, nobody is invited or removed.',
  spec: Member,
  renamable: false,
  readOnly: 'org membership is read-only in Converge: invite, remove or change members on GitHub',
  validateName: loginProblem,
  read: readMembers,
  apply: applyMember,
};
