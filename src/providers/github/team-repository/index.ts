import type { GitHubKind } from '../kind.js';
import { bulkTeams } from '../shared/bulk-teams.js';
import { caseInsensitiveKey, childNameProblem, IGNORES_CASE_OF_REPOSITORY, repositoryNameProblem, splitChildName, teamSlugProblem } from '../shared/names.js';
import { referencesTo } from '../shared/references.js';
import { applyTeamRepository } from './apply.js';
import { readTeamRepositories } from './read.js';
import { classifyTeamRepository } from './risk.js';
import { TeamRepository } from './schema.js';

export { TeamRepository } from './schema.js';

export const teamRepositoryKind: GitHubKind<TeamRepository> = {
  kind: 'github.team-repository',
  description: 'A team\'s permission on a repository, named <team>/<repository>: pull, triage, push, maintain or admin.',
  spec: TeamRepository,
  renamable: true,
  classify: classifyTeamRepository,
  validateName: (name) => childNameProblem(name, '<team>/<repository>, for example "platform/api"', teamSlugProblem, repositoryNameProblem),
  nameKey: caseInsensitiveKey,
  nameRule: IGNORES_CASE_OF_REPOSITORY,
  read: readTeamRepositories,
  apply: applyTeamRepository,
  // Each team's grants come with it in the teams query.
  bulkRead: bulkTeams,
  references: ({ name }) => {
    const grant = splitChildName(name);
    return grant ? referencesTo('team', [grant.parent], `given access to repository "${grant.child}"`) : [];
  },
  footprint: (configRepo) => `*/${configRepo}`,
};
