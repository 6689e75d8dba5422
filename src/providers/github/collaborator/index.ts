import type { GitHubKind } from '../kind.js';
import { caseInsensitiveKey, childNameProblem, loginProblem, repositoryNameProblem } from '../names.js';
import { applyCollaborator } from './apply.js';
import { readCollaborators } from './read.js';
import { Collaborator } from './schema.js';

export { Collaborator } from './schema.js';
export { repositoryCollaborators } from './read.js';

export const collaboratorKind: GitHubKind<Collaborator> = {
  kind: 'github.collaborator',
  description: 'Direct access of one person to a repository (an outside collaborator), named <repository>/<login>.',
  spec: Collaborator,
  renamable: true,
  validateName: (name) => childNameProblem(name, '<repository>/<login>, for example "api/octocat"', repositoryNameProblem, loginProblem),
  nameKey: caseInsensitiveKey,
  nameRule: 'GitHub compares repository names and logins without regard to case',
  read: readCollaborators,
  apply: applyCollaborator,
};
