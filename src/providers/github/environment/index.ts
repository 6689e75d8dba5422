import type { GitHubKind } from '../kind.js';
import { caseInsensitiveKey, childNameProblem, controlCharacterProblem, repositoryNameProblem } from '../shared/names.js';
import { applyEnvironment } from './apply.js';
import { readEnvironments, repositoryEnvironments } from './read.js';
import { environmentReferences } from './references.js';
import { classifyEnvironment } from './risk.js';
import { Environment } from './schema.js';

export { Environment } from './schema.js';

function environmentNameProblem(name: string): string | undefined {
  if (name.length > 255) return `environment "${name.slice(0, 20)}…" is longer than GitHub's 255 characters.`;
  const control = controlCharacterProblem('environment', name);
  if (control) return control;
  if (name.trim() !== name) return `environment "${name}" must not start or end with spaces.`;
  return undefined;
}

export const environmentKind: GitHubKind<Environment> = {
  kind: 'github.environment',
  description: 'A deployment environment of a repository, named <repository>/<environment>: wait timer, reviewers, branch policy.',
  spec: Environment,
  renamable: true,
  classify: classifyEnvironment,
  validateName: (name) => childNameProblem(name, '<repository>/<environment>, for example "api/production"', repositoryNameProblem, environmentNameProblem),
  nameKey: caseInsensitiveKey,
  nameRule: 'GitHub compares repository and environment names without regard to case',
  read: readEnvironments,
  apply: applyEnvironment,
  bulkRead: repositoryEnvironments,
  references: environmentReferences,
  footprint: (configRepo) => `${configRepo}/**`,
  // GitHub's protection for an environment created with a bare PUT.
  importDefaults: () => ({ waitTimer: 0, preventSelfReview: false, reviewers: { users: [], teams: [] }, deploymentBranches: 'all' }),
};
