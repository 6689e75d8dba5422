import type { Change } from '../../../core/plan-types.js';
import type { GitHubContext } from '../kind.js';
import { childOf, deleteIfPresent, writeTo } from '../shared/write.js';
import type { TeamRepository } from './schema.js';

const GRANT = '/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}';

export async function applyTeamRepository(change: Change, ctx: GitHubContext): Promise<void> {
  const { parent: team, child: repo } = childOf(change);
  const params = { org: ctx.org, team_slug: team, owner: ctx.org, repo };
  switch (change.action) {
    // A rename only follows the team's or the repository's rename (GitHub keeps the grant by id).
    case 'rename':
    case 'create':
    case 'update':
      await writeTo(ctx, change, `PUT ${GRANT}`, { ...params, permission: (change.desired as TeamRepository).permission });
      return;
    case 'delete':
      return deleteIfPresent(ctx, change, `DELETE ${GRANT}`, params);
    case 'noop':
      return;
  }
}
