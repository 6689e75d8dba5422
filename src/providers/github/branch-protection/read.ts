import { readError } from '../../../core/errors.js';
import type { ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import { readFailure } from '../shared/errors.js';
import type { GitHubContext } from '../kind.js';
import { splitChildName } from '../shared/names.js';
import { fetchProtections, protectionFromLive } from './graphql.js';

/**
 * Rules are matched by pattern exactly (a rule for `main` is not the rule for `Main`).
 * Every repository involved is read in the same GraphQL queries, 10 per query: REST would
 * need a list of protected branches plus one GET per branch.
 */
export async function readBranchProtections(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  const wanted: Array<{ ref: ResourceRef; repo: string; pattern: string }> = [];
  for (const ref of refs) {
    const parts = splitChildName(ref.name);
    if (parts) wanted.push({ ref, repo: parts.parent, pattern: parts.child });
    else results.push({ ref, error: readError('configuration', `${resourceKey(ref)}: not a name of the form <repository>/<branch pattern>.`) });
  }
  if (wanted.length === 0) return results;
  try {
    const byRepo = await fetchProtections(ctx, wanted.map((w) => w.repo));
    for (const { ref, repo, pattern } of wanted) {
      const rule = byRepo.get(repo)?.rules.find((r) => r.pattern === pattern);
      results.push(rule ? { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: protectionFromLive(rule) } } : { ref });
    }
  } catch (error) {
    results.push(...wanted.map(({ ref }) => ({ ref, error: readFailure(error, resourceKey(ref)) })));
  }
  return results;
}
