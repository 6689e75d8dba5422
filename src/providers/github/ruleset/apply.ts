import { deepMerge } from '../../../core/diff.js';
import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { statusOf } from '../shared/errors.js';
import { specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { deleteIfPresent, neitherExists, writeTo } from '../shared/write.js';
import { ROLE_IDS } from './live.js';
import type { BypassActor, OrgRuleset, Rule } from './schema.js';
import { listRulesets, type RulesetScope } from './scope.js';

type Spec = OrgRuleset;

/** Parameters GitHub requires for a rule, used when neither the config nor the live rule gives them. */
const REQUIRED_DEFAULTS: Record<string, Record<string, unknown>> = {
  update: { update_allows_fetch_and_merge: false },
  required_deployments: { required_deployment_environments: [] },
  pull_request: {
    dismiss_stale_reviews_on_push: false,
    require_code_owner_review: false,
    require_last_push_approval: false,
    required_approving_review_count: 0,
    required_review_thread_resolution: false,
  },
  required_status_checks: { required_status_checks: [], strict_required_status_checks_policy: false },
};

function rejected(change: Change, message: string): RejectedError {
  const resource = resourceKey(change);
  return new RejectedError(`${resource}: ${message}`, { resource });
}

async function bypassBody(ctx: GitHubContext, change: Change, actors: BypassActor[]) {
  return Promise.all(
    actors.map(async (actor) => {
      const mode = actor.mode;
      switch (actor.type) {
        case 'team': {
          const team = await ctx.lookups.team(actor.name);
          if (!team) throw rejected(change, `team "${actor.name}" does not exist, so it cannot bypass the ruleset.`);
          return { actor_type: 'Team', actor_id: team.id, bypass_mode: mode };
        }
        case 'user': {
          const user = await ctx.lookups.user(actor.name);
          if (!user) throw rejected(change, `user "${actor.name}" does not exist, so they cannot bypass the ruleset.`);
          return { actor_type: 'User', actor_id: user.id, bypass_mode: mode };
        }
        case 'role':
          return { actor_type: 'RepositoryRole', actor_id: ROLE_IDS[actor.name]!, bypass_mode: mode };
        case 'org-admin':
          return { actor_type: 'OrganizationAdmin', actor_id: null, bypass_mode: mode };
        case 'app':
          return { actor_type: 'Integration', actor_id: actor.id, bypass_mode: mode };
        case 'deploy-key':
          return { actor_type: 'DeployKey', actor_id: null, bypass_mode: mode };
      }
    }),
  );
}

/** Each rule with the parameters given, over the live rule's, over what GitHub requires. */
function rulesBody(rules: Rule[], live: Rule[] | undefined): Rule[] {
  return rules.map((rule) => {
    const parameters = { ...REQUIRED_DEFAULTS[rule.type], ...live?.find((r) => r.type === rule.type)?.parameters, ...rule.parameters };
    return Object.keys(parameters).length > 0 ? { type: rule.type, parameters } : { type: rule.type };
  });
}

/** The REST body for the sections in `touched`; rulesets are written section by section. */
async function restBody(ctx: GitHubContext, change: Change, spec: Spec, touched: ReadonlySet<string>): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  if (touched.has('target') && spec.target) body.target = spec.target;
  if (touched.has('enforcement') && spec.enforcement) body.enforcement = spec.enforcement;
  if (touched.has('conditions') && spec.conditions) {
    const { refName, repositoryName } = spec.conditions;
    body.conditions = {
      ...(refName ? { ref_name: { include: refName.include ?? [], exclude: refName.exclude ?? [] } } : {}),
      ...(repositoryName ? { repository_name: { include: repositoryName.include ?? [], exclude: repositoryName.exclude ?? [], ...(repositoryName.protected === undefined ? {} : { protected: repositoryName.protected }) } } : {}),
    };
  }
  if (touched.has('bypassActors') && spec.bypassActors) body.bypass_actors = await bypassBody(ctx, change, spec.bypassActors);
  if (touched.has('rules') && spec.rules) body.rules = rulesBody(spec.rules, (change.actual as Spec | undefined)?.rules);
  return body;
}

async function idOf(ctx: GitHubContext, scope: RulesetScope, parent: string | undefined, name: string): Promise<number | undefined> {
  const list = (await listRulesets(ctx, scope, parent)) ?? [];
  return (list.find((r) => r.name === name) ?? list.find((r) => r.name.toLowerCase() === name.toLowerCase()))?.id;
}

export async function applyRuleset(scope: RulesetScope, change: Change, ctx: GitHubContext): Promise<void> {
  if (change.action === 'noop') return;
  const parts = scope.split(change.name);
  if (!parts) throw rejected(change, `"${change.name}" is not of the form <repository>/<ruleset name>.`);
  const { parent, ruleset: name } = parts;
  const base = scope.params(ctx, parent);
  const changed = specFromFields<Spec>(change.fields);
  const spec = { ...(change.actual ?? {}), ...changed } as Spec;
  if (changed.conditions) spec.conditions = deepMerge((change.actual?.conditions ?? {}) as Record<string, unknown>, changed.conditions) as Spec["conditions"];
  const touched = new Set(Object.keys(changed));
  const put = async (id: number, extra: Record<string, unknown> = {}) =>
    writeTo(ctx, change, `PUT ${scope.route}/{ruleset_id}`, { ...base, ruleset_id: id, ...extra, ...(await restBody(ctx, change, spec, touched)) });

  switch (change.action) {
    case 'create': {
      const body = await restBody(ctx, change, { ...spec, enforcement: spec.enforcement ?? 'active' }, new Set([...touched, 'enforcement']));
      try {
        await writeTo(ctx, change, `POST ${scope.route}`, { ...base, name, ...body });
      } catch (error) {
        // Created by an earlier apply (names are unique): update it instead.
        const id = statusOf(error) === 422 ? await idOf(ctx, scope, parent, name) : undefined;
        if (id === undefined) throw error;
        await put(id);
      }
      return;
    }
    case 'update': {
      const id = await idOf(ctx, scope, parent, name);
      if (id === undefined) throw rejected(change, 'the ruleset no longer exists.');
      await put(id);
      return;
    }
    case 'rename': {
      const from = scope.split(change.fromName!)?.ruleset ?? change.fromName!;
      const id = (await idOf(ctx, scope, parent, from)) ?? (await idOf(ctx, scope, parent, name));
      if (id === undefined) throw neitherExists(change, parent ? `in repository "${parent}"` : `in ${ctx.org}`);
      await put(id, { name });
      return;
    }
    case 'delete': {
      const id = await idOf(ctx, scope, parent, name);
      if (id !== undefined) await deleteIfPresent(ctx, change, `DELETE ${scope.route}/{ruleset_id}`, { ...base, ruleset_id: id });
      return;
    }
  }
}
