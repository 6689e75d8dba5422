import type { GitHubKind } from '../kind.js';
import { teamSlugProblem } from '../names.js';
import { applyTeam } from './apply.js';
import { readTeams } from './read.js';
import { Team } from './schema.js';

export { Team } from './schema.js';

export const teamKind: GitHubKind<Team> = {
  kind: 'github.team',
  description: 'A team of the org, named by its slug: name, description, privacy, parent, notifications, members and maintainers.',
  spec: Team,
  renamable: true,
  validateName: teamSlugProblem,
  read: readTeams,
  apply: applyTeam,
};
