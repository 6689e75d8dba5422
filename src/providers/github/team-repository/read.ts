import { readError } from '../../../core/errors.js';
import type { ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import { readFailure } from '../shared/errors.js';
import type { GitHubContext } from '../kind.js';
import { caseMismatch, splitChildName } from '../shared/names.js';
import { permissionOf } from '../shared/permissions.js';
import { fetchTeams } from '../team/graphql.js';

/** Grants of every team involved, in the same batched GraphQL query as teams (25 teams per query). */
export async function readTeamRepositories(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  const wanted: Array<{ ref: ResourceRef; team: string; repo: string }> = [];
  for (const ref of refs) {
    const parts = splitChildName(ref.name);
    if (parts) wanted.push({ ref, team: parts.parent, repo: parts.child });
    else results.push({ ref, error: readError('configuration', `${resourceKey(ref)}: not a name of the form <team>/<repository>.`) });
  }
  if (wanted.length === 0) return results;
  try {
    const teams = await fetchTeams(ctx, wanted.map((w) => w.team), { members: false, repositories: true });
    const asked = new Set(wanted.map((w) => w.repo));
    for (const { ref, team, repo } of wanted) {
      const grants = teams.get(team)?.repositories ?? [];
      const exact = grants.find((g) => g.node.name === repo);
      if (exact) {
        results.push({ ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: { permission: permissionOf(exact.permission) } } });
        continue;
      }
      const other = grants.find((g) => g.node.name.toLowerCase() === repo.toLowerCase());
      const verdict = other ? caseMismatch('repository', repo, other.node.name, asked) : 'absent';
      results.push(verdict === 'absent' ? { ref } : { ref, error: readError('conflict', `${resourceKey(ref)}: ${verdict}`) });
    }
  } catch (error) {
    results.push(...wanted.map(({ ref }) => ({ ref, error: readFailure(error, resourceKey(ref)) })));
  }
  return results;
}
