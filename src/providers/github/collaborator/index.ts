import type { GitHubKind } from '../kind.js';
import { caseInsensitiveKey, childNameProblem, loginProblem, repositoryNameProblem, splitChildName } from '../shared/names.js';
import { referencesTo } from '../shared/references.js';
import { applyCollaborator } from './apply.js';
import { readCollaborators, repositoryCollaborators } from './read.js';
import { classifyCollaborator } from './risk.js';
import { Collaborator } from './schema.js';

export { Collaborator } from './schema.js';

export const collaboratorKind: GitHubKind<Collaborator> = {
  kind: 'github.collaborator',
  description: 'Direct access of one person to a repository (an outside collaborator), named <repository>/<login>.',
  spec: Collaborator,
  renamable: true,
  classify: classifyCollaborator,
  validateName: (name) => childNameProblem(name, '<repository>/<login>, for example "api/octocat"', repositoryNameProblem, loginProblem),
  nameKey: caseInsensitiveKey,
  nameRule: 'GitHub compares repository names and logins without regard to case',
  read: readCollaborators,
  apply: applyCollaborator,
  bulkRead: repositoryCollaborators,
  references: ({ name }) => {
    const access = splitChildName(name);
    return access ? referencesTo('user', [access.child], `a collaborator on repository "${access.parent}"`) : [];
  },
  footprint: (configRepo) => `${configRepo}/**`,
};
