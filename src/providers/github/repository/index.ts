import type { GitHubKind } from '../kind.js';
import { caseInsensitiveKey, IGNORES_CASE, repositoryNameProblem } from '../shared/names.js';
import { bulkRepositories } from '../shared/bulk-repositories.js';
import { applyRepository } from './apply.js';
import { readRepositories } from './read.js';
import { classifyRepository } from './risk.js';
import { Repository } from './schema.js';

export { Repository } from './schema.js';

export const repositoryKind: GitHubKind<Repository> = {
  kind: 'github.repository',
  description: 'A repository of the org: settings, features, merge options, topics, visibility, archived.',
  spec: Repository,
  renamable: true,
  classify: classifyRepository,
  validateName: repositoryNameProblem,
  nameKey: caseInsensitiveKey,
  nameRule: IGNORES_CASE,
  read: readRepositories,
  apply: applyRepository,
  bulkRead: bulkRepositories,
  footprint: (configRepo) => configRepo,
  // GitHub's settings for a repository created with nothing but its name (POST /orgs/{org}/repos).
  importDefaults: () => ({
    description: '',
    homepage: '',
    visibility: 'public',
    features: { issues: true, projects: true, wiki: true, discussions: false },
    merge: { allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: true, allowAutoMerge: false, deleteBranchOnMerge: false },
    defaultBranch: 'main',
    archived: false,
    topics: [],
  }),
};
