import type { ReadAllResult, ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import { readChildren, readChildrenOfEveryRepository, type ChildLister } from '../shared/children.js';
import { readFailure } from '../shared/errors.js';
import { mapLimit } from '../shared/fields.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { rulesetFromRest, type RestRuleset } from './live.js';
import { getRuleset, listRulesets, orgScope, repositoryScope } from './scope.js';

/** One list per repository, then one GET per ruleset involved (lists leave the rules out). */
const repositoryRulesets: ChildLister<RestRuleset> = {
  noun: 'ruleset',
  list: (repo, ctx) => listRulesets(ctx, repositoryScope, repo),
  key: (r) => r.name,
  async spec(summary, repo, ctx) {
    const full = await getRuleset(ctx, repositoryScope, repo, summary.id);
    return rulesetFromRest(ctx, full ?? summary);
  },
};

export function readRulesets(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  return readChildren(refs, ctx, repositoryRulesets);
}

export const rulesetsOfRepositories: BulkRead = {
  readAll: (_kinds, ctx) => readChildrenOfEveryRepository('github.ruleset', ctx, repositoryRulesets),
};

export async function readOrgRulesets(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  let live: RestRuleset[];
  try {
    live = (await listRulesets(ctx, orgScope, undefined)) ?? [];
  } catch (error) {
    return refs.map((ref) => ({ ref, error: readFailure(error, resourceKey(ref)) }));
  }
  return orgRulesetsFrom(refs, ctx, live);
}

/** One list for the org, then one GET per ruleset involved. */
function orgRulesetsFrom(refs: ResourceRef[], ctx: GitHubContext, live: RestRuleset[]): Promise<ReadResult[]> {
  return mapLimit(refs, ctx.readConcurrency, async (ref): Promise<ReadResult> => {
    const summary = live.find((r) => r.name === ref.name);
    if (!summary) return { ref };
    try {
      const full = await getRuleset(ctx, orgScope, undefined, summary.id);
      return { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: await rulesetFromRest(ctx, full ?? summary) } };
    } catch (error) {
      return { ref, error: readFailure(error, resourceKey(ref)) };
    }
  });
}

export const orgRulesets: BulkRead = {
  async readAll(_kinds, ctx): Promise<ReadAllResult> {
    const live = (await listRulesets(ctx, orgScope, undefined)) ?? [];
    const results = await orgRulesetsFrom(live.map((r) => ({ kind: 'github.org-ruleset', target: ctx.target, name: r.name })), ctx, live);
    return {
      resources: results.flatMap((r) => (r.actual ? [r.actual] : [])),
      failures: results.flatMap((r) => (r.error !== undefined ? [{ ...r.ref, ...r.error }] : [])),
    };
  },
};
