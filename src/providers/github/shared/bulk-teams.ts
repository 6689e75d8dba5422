import type { ReadAllResult } from '../../../core/provider.js';
import type { ActualResource } from '../../../core/resource.js';
import type { BulkRead } from '../kind.js';
import { permissionOf } from './permissions.js';
import { fetchAllTeams } from '../team/graphql.js';
import { teamFromLive } from '../team/live.js';

const TEAM = 'github.team';
const GRANT = 'github.team-repository';

/**
 * Full runs: every team of the org with its direct members and repository grants, one
 * GraphQL query per 100 teams; only teams past 100 members or repositories cost follow-ups.
 * The team and team-repository kinds both name it as their bulk read.
 */
export const bulkTeams: BulkRead = {
  // One query per 100 teams against at least one request per team one by one.
  paysFrom: 100,
  async readAll(kinds, ctx): Promise<ReadAllResult> {
    const teams = await fetchAllTeams(ctx, { members: kinds.has(TEAM), repositories: kinds.has(GRANT) });
    const resources: ActualResource[] = [];
    for (const live of teams) {
      if (kinds.has(TEAM)) resources.push({ kind: TEAM, target: ctx.target, name: live.team.slug, spec: teamFromLive(live) });
      for (const grant of live.repositories ?? []) {
        resources.push({ kind: GRANT, target: ctx.target, name: `${live.team.slug}/${grant.node.name}`, spec: { permission: permissionOf(grant.permission) } });
      }
    }
    return { resources, failures: [] };
  },
};
