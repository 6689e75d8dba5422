import type { ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import { readFailure } from '../shared/errors.js';
import type { GitHubContext } from '../kind.js';
import { fetchTeams } from './graphql.js';
import { teamFromLive } from './live.js';

/** One GraphQL query per 25 teams, each with its direct members (REST needs 3 calls per team). */
export async function readTeams(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  try {
    const teams = await fetchTeams(ctx, refs.map((r) => r.name), { members: true, repositories: false });
    return refs.map((ref) => {
      const live = teams.get(ref.name);
      return live ? { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: teamFromLive(live) } } : { ref };
    });
  } catch (error) {
    return refs.map((ref) => ({ ref, error: readFailure(error, resourceKey(ref)) }));
  }
}
