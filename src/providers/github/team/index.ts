import type { GitHubKind } from '../kind.js';
import { teamSlugProblem } from '../shared/names.js';
import { bulkTeams } from '../shared/bulk-teams.js';
import { applyTeam } from './apply.js';
import { readTeams } from './read.js';
import { teamConfigProblems, teamReferences } from './references.js';
import { classifyTeam } from './risk.js';
import { Team } from './schema.js';

export { Team } from './schema.js';

export const teamKind: GitHubKind<Team> = {
  kind: 'github.team',
  description: 'A team of the org, named by its slug: name, description, privacy, parent, notifications, members and maintainers.',
  spec: Team,
  renamable: true,
  classify: classifyTeam,
  validateName: teamSlugProblem,
  read: readTeams,
  apply: applyTeam,
  bulkRead: bulkTeams,
  references: teamReferences,
  referencedAs: 'team',
  validateConfig: teamConfigProblems,
  // Created with the slug as its name; GitHub makes a top-level team secret and a child team closed.
  importDefaults: (name, spec) => ({ name, description: '', privacy: spec.parent ? 'closed' : 'secret', parent: null, notifications: true, members: [], maintainers: [] }),
};
