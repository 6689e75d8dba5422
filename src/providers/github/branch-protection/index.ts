import type { GitHubKind } from '../kind.js';
import { childNameProblem, IGNORES_CASE_OF_REPOSITORY, repositoryChildKey, repositoryNameProblem } from '../shared/names.js';
import { bulkRepositories } from '../shared/bulk-repositories.js';
import { applyBranchProtection } from './apply.js';
import { readBranchProtections } from './read.js';
import { protectionReferences } from './references.js';
import { classifyBranchProtection } from './risk.js';
import { BranchProtection } from './schema.js';

export { BranchProtection } from './schema.js';

export const branchProtectionKind: GitHubKind<BranchProtection> = {
  kind: 'github.branch-protection',
  description: 'A branch protection rule, named <repository>/<branch pattern>: reviews, status checks, push restrictions and more.',
  spec: BranchProtection,
  renamable: true,
  classify: classifyBranchProtection,
  validateName: (name) => childNameProblem(name, '<repository>/<branch pattern>, for example "api/main"', repositoryNameProblem),
  nameKey: repositoryChildKey,
  nameRule: IGNORES_CASE_OF_REPOSITORY,
  read: readBranchProtections,
  apply: applyBranchProtection,
  // Each repository's first 10 rules come with it in the repositories query.
  bulkRead: bulkRepositories,
  references: protectionReferences,
  footprint: (configRepo) => `${configRepo}/**`,
  // A rule created with only its pattern protects nothing.
  importDefaults: () => ({
    requiredReviews: null,
    requiredStatusChecks: null,
    enforceAdmins: false,
    restrictions: null,
    requireLinearHistory: false,
    allowForcePushes: false,
    allowDeletions: false,
    requireConversationResolution: false,
  }),
};
