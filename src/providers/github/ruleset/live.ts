import type { FieldChange } from '../../../core/plan-types.js';
import { diffSpecs } from '../../../core/diff.js';
import { compact } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { sortActors, sortRules, type BypassActor, type Rule } from './schema.js';

export interface RestRuleset {
  id: number;
  name: string;
  source_type?: string;
  target?: string;
  enforcement: string;
  bypass_actors?: Array<{ actor_id: number | null; actor_type: string; bypass_mode?: string }>;
  conditions?: { ref_name?: { include?: string[]; exclude?: string[] }; repository_name?: { include?: string[]; exclude?: string[]; protected?: boolean } } | null;
  rules?: Rule[];
}

/** GitHub's ids for the repository roles a ruleset can let bypass. */
export const ROLE_IDS: Record<string, number> = { maintain: 2, write: 4, admin: 5 };
const ROLE_NAMES = Object.fromEntries(Object.entries(ROLE_IDS).map(([name, id]) => [id, name]));

/** A REST ruleset as a spec (team actors named by slug, which costs one team list when there are any). */
export async function rulesetFromRest(ctx: GitHubContext, ruleset: RestRuleset): Promise<Record<string, unknown>> {
  const actors = ruleset.bypass_actors ?? [];
  const teams = actors.some((a) => a.actor_type === 'Team') ? await ctx.lookups.teamsById() : new Map<number, string>();
  const users = new Map<number, string>();
  for (const a of actors.filter((x) => x.actor_type === 'User' && x.actor_id !== null)) {
    const got = await ctx.api.get<{ login: string }>('GET /user/{account_id}', { account_id: a.actor_id });
    if (got) users.set(a.actor_id!, got.data.login.toLowerCase());
  }
  const bypassActors = actors.map((a): BypassActor => {
    const mode = (a.bypass_mode ?? 'always') as BypassActor['mode'];
    switch (a.actor_type) {
      case 'Team':
        return { type: 'team', name: teams.get(a.actor_id ?? -1) ?? `#${a.actor_id}`, mode };
      case 'User':
        return { type: 'user', name: users.get(a.actor_id ?? -1) ?? `#${a.actor_id}`, mode };
      case 'RepositoryRole':
        return { type: 'role', name: (ROLE_NAMES[a.actor_id ?? -1] ?? `#${a.actor_id}`) as 'admin', mode };
      case 'OrganizationAdmin':
        return { type: 'org-admin', mode };
      case 'Integration':
        return { type: 'app', id: a.actor_id ?? 0, mode };
      default:
        return { type: 'deploy-key', mode };
    }
  });
  const conditions = ruleset.conditions ?? {};
  return compact({
    target: ruleset.target ?? 'branch',
    enforcement: ruleset.enforcement,
    conditions: {
      refName: conditions.ref_name && { include: conditions.ref_name.include ?? [], exclude: conditions.ref_name.exclude ?? [] },
      repositoryName: conditions.repository_name && {
        include: conditions.repository_name.include ?? [],
        exclude: conditions.repository_name.exclude ?? [],
        protected: conditions.repository_name.protected ?? false,
      },
    },
    bypassActors: sortActors(bypassActors),
    rules: sortRules((ruleset.rules ?? []).map((r) => (r.parameters && Object.keys(r.parameters).length > 0 ? { type: r.type, parameters: r.parameters } : { type: r.type }))),
  });
}

function pick(value: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => value && k in value).map((k) => [k, value![k]]));
}

/**
 * Rules are compared by type, and each rule only on the parameters the config gives:
 * GitHub fills in every other parameter with its default, which must not show as a change.
 */
export function diffRuleset(desired: Record<string, unknown>, actual: Record<string, unknown>): FieldChange[] {
  const wanted = desired.rules as Rule[] | undefined;
  const live = actual.rules as Rule[] | undefined;
  if (!wanted || !live) return diffSpecs(desired, actual);
  const byType = new Map(wanted.map((r) => [r.type, r]));
  const projected = live.map((rule): Rule => {
    const keys = Object.keys(byType.get(rule.type)?.parameters ?? {});
    return keys.length > 0 ? { type: rule.type, parameters: pick(rule.parameters, keys) } : { type: rule.type };
  });
  return diffSpecs(desired, { ...actual, rules: projected });
}
