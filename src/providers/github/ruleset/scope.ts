import type { GitHubContext } from '../kind.js';
import { listAll } from '../shared/lists.js';
import type { RestRuleset } from './live.js';

/** Where a kind's rulesets live: one repository's, or the org's own. */
export interface RulesetScope {
  kind: string;
  /** `<repository>/<name>` names split into parent and ruleset; the org's are just `<name>`. */
  split(name: string): { parent: string | undefined; ruleset: string } | undefined;
  route: string;
  params(ctx: GitHubContext, parent: string | undefined): Record<string, unknown>;
  /** Rulesets a list shows that belong elsewhere (a repository's list includes the org's). */
  own(ruleset: RestRuleset): boolean;
  listParams: Record<string, unknown>;
}

export const repositoryScope: RulesetScope = {
  kind: 'github.ruleset',
  split(name) {
    const slash = name.indexOf('/');
    return slash > 0 && slash < name.length - 1 ? { parent: name.slice(0, slash), ruleset: name.slice(slash + 1) } : undefined;
  },
  route: '/repos/{owner}/{repo}/rulesets',
  params: (ctx, parent) => ({ owner: ctx.org, repo: parent }),
  own: (r) => (r.source_type ?? 'Repository') === 'Repository',
  listParams: { includes_parents: false },
};

export const orgScope: RulesetScope = {
  kind: 'github.org-ruleset',
  split: (name) => ({ parent: undefined, ruleset: name }),
  route: '/orgs/{org}/rulesets',
  params: (ctx) => ({ org: ctx.org }),
  own: (r) => (r.source_type ?? 'Organization') === 'Organization',
  listParams: {},
};

/** The scope's own rulesets (summaries: no rules); undefined when the repository is missing. */
export async function listRulesets(ctx: GitHubContext, scope: RulesetScope, parent: string | undefined): Promise<RestRuleset[] | undefined> {
  const list = await listAll<RestRuleset>(ctx, `GET ${scope.route}`, { ...scope.params(ctx, parent), ...scope.listParams });
  return list?.filter((r) => scope.own(r));
}

/** One ruleset in full (rules, conditions, bypass actors). */
export async function getRuleset(ctx: GitHubContext, scope: RulesetScope, parent: string | undefined, id: number): Promise<RestRuleset | undefined> {
  const got = await ctx.api.get<RestRuleset>(`GET ${scope.route}/{ruleset_id}`, { ...scope.params(ctx, parent), ruleset_id: id });
  return got?.data;
}
