import { deepMerge } from '../../../core/diff.js';
import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { childOf, neitherExists } from '../shared/write.js';
import { fetchProtections, type RepositoryRules } from './graphql.js';
import type { BranchProtection } from './schema.js';

const CREATE = /* GraphQL */ `
  mutation ConvergeCreateProtection($input: CreateBranchProtectionRuleInput!) {
    createBranchProtectionRule(input: $input) { branchProtectionRule { id } }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation ConvergeUpdateProtection($input: UpdateBranchProtectionRuleInput!) {
    updateBranchProtectionRule(input: $input) { branchProtectionRule { id } }
  }
`;
const DELETE = /* GraphQL */ `
  mutation ConvergeDeleteProtection($input: DeleteBranchProtectionRuleInput!) {
    deleteBranchProtectionRule(input: $input) { clientMutationId }
  }
`;

function rejected(change: Change, message: string): RejectedError {
  const resource = resourceKey(change);
  return new RejectedError(`${resource}: ${message}`, { resource });
}

/** Users, teams and apps named in the config as the node ids GraphQL takes. */
async function actorIds(ctx: GitHubContext, change: Change, restrictions: NonNullable<BranchProtection['restrictions']>): Promise<string[]> {
  const resolve = async (kind: 'user' | 'team' | 'app', name: string) => {
    const found = await (kind === 'user' ? ctx.lookups.user(name) : kind === 'team' ? ctx.lookups.team(name) : ctx.lookups.app(name));
    if (!found) throw rejected(change, `${kind} "${name}" does not exist, so it cannot be allowed to push.`);
    return found.nodeId;
  };
  return Promise.all([
    ...(restrictions.users ?? []).map((n) => resolve('user', n)),
    ...(restrictions.teams ?? []).map((n) => resolve('team', n)),
    ...(restrictions.apps ?? []).map((n) => resolve('app', n)),
  ]);
}

/**
 * The mutation input for the sections in `touched`, each written whole from `spec` (the live
 * rule with the changed fields on top), because GraphQL replaces lists such as push actors.
 */
async function ruleInput(ctx: GitHubContext, change: Change, spec: BranchProtection, touched: ReadonlySet<string>): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {};
  const has = (key: keyof BranchProtection) => touched.has(key) && spec[key] !== undefined;
  if (has('requiredReviews')) {
    const reviews = spec.requiredReviews;
    input.requiresApprovingReviews = reviews !== null;
    if (reviews) {
      if (reviews.approvals !== undefined) input.requiredApprovingReviewCount = reviews.approvals;
      if (reviews.dismissStaleReviews !== undefined) input.dismissesStaleReviews = reviews.dismissStaleReviews;
      if (reviews.requireCodeOwnerReviews !== undefined) input.requiresCodeOwnerReviews = reviews.requireCodeOwnerReviews;
      if (reviews.requireLastPushApproval !== undefined) input.requireLastPushApproval = reviews.requireLastPushApproval;
    }
  }
  if (has('requiredStatusChecks')) {
    const checks = spec.requiredStatusChecks;
    input.requiresStatusChecks = checks !== null;
    if (checks?.strict !== undefined) input.requiresStrictStatusChecks = checks.strict;
    if (checks?.checks !== undefined) {
      input.requiredStatusChecks = await Promise.all(
        checks.checks.map(async (check) => {
          if (!check.app) return { context: check.context, appId: 'any' };
          const app = await ctx.lookups.app(check.app);
          if (!app) throw rejected(change, `app "${check.app}" does not exist, so it cannot report "${check.context}".`);
          return { context: check.context, appId: app.nodeId };
        }),
      );
    }
  }
  if (has('restrictions')) {
    input.restrictsPushes = spec.restrictions !== null;
    input.pushActorIds = spec.restrictions ? await actorIds(ctx, change, spec.restrictions) : [];
  }
  const flags: Array<[keyof BranchProtection, string]> = [
    ['enforceAdmins', 'isAdminEnforced'],
    ['requireLinearHistory', 'requiresLinearHistory'],
    ['allowForcePushes', 'allowsForcePushes'],
    ['allowDeletions', 'allowsDeletions'],
    ['requireConversationResolution', 'requiresConversationResolution'],
  ];
  for (const [key, field] of flags) if (has(key)) input[field] = spec[key];
  return input;
}

async function rulesOf(ctx: GitHubContext, change: Change, repo: string): Promise<RepositoryRules> {
  const found = (await fetchProtections(ctx, [repo])).get(repo);
  if (!found) throw rejected(change, `repository "${repo}" does not exist.`);
  return found;
}

export async function applyBranchProtection(change: Change, ctx: GitHubContext): Promise<void> {
  if (change.action === 'noop') return;
  const { parent: repo, child: pattern } = childOf(change);
  const changed = specFromFields<BranchProtection>(change.fields);
  const spec = deepMerge(change.actual ?? {}, changed) as BranchProtection;
  const input = await ruleInput(ctx, change, spec, new Set(Object.keys(changed)));
  const live = await rulesOf(ctx, change, repo);
  const ruleFor = (p: string) => live.rules.find((r) => r.pattern === p);

  switch (change.action) {
    case 'create': {
      // Created by an earlier apply: update it instead of failing on "already protected".
      const existing = ruleFor(pattern);
      if (existing) await ctx.api.mutate(UPDATE, { input: { branchProtectionRuleId: existing.id, ...input } });
      else await ctx.api.mutate(CREATE, { input: { repositoryId: live.id, pattern, ...input } });
      return;
    }
    case 'update': {
      const existing = ruleFor(pattern);
      if (!existing) throw rejected(change, `no protection rule for "${pattern}" exists any more.`);
      await ctx.api.mutate(UPDATE, { input: { branchProtectionRuleId: existing.id, ...input } });
      return;
    }
    case 'rename': {
      // A new pattern for the same rule; labels and protection never move between repositories.
      const from = childOf(change, change.fromName!).child;
      const existing = ruleFor(from) ?? ruleFor(pattern);
      if (!existing) throw neitherExists(change, `in repository "${repo}"`);
      await ctx.api.mutate(UPDATE, { input: { branchProtectionRuleId: existing.id, pattern, ...input } });
      return;
    }
    case 'delete': {
      const existing = ruleFor(pattern);
      if (existing) await ctx.api.mutate(DELETE, { input: { branchProtectionRuleId: existing.id } });
      return;
    }
  }
}
