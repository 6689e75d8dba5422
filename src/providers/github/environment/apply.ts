import { deepMerge } from '../../../core/diff.js';
import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { childOf, deleteIfPresent, requireParentRename, writeTo } from '../shared/write.js';
import { branchPolicies } from './read.js';
import type { DeploymentBranches, Environment } from './schema.js';

const ENV = '/repos/{owner}/{repo}/environments/{environment_name}';

async function reviewerIds(ctx: GitHubContext, change: Change, reviewers: NonNullable<Environment['reviewers']>) {
  const resource = resourceKey(change);
  const missing = (what: string) => new RejectedError(`${resource}: ${what} does not exist, so it cannot review deployments.`, { resource });
  const users = await Promise.all(
    (reviewers.users ?? []).map(async (login) => {
      const user = await ctx.lookups.user(login);
      if (!user) throw missing(`user "${login}"`);
      return { type: 'User' as const, id: user.id };
    }),
  );
  const teams = await Promise.all(
    (reviewers.teams ?? []).map(async (slug) => {
      const team = await ctx.lookups.team(slug);
      if (!team) throw missing(`team "${slug}"`);
      return { type: 'Team' as const, id: team.id };
    }),
  );
  return [...users, ...teams];
}

function branchPolicyBody(branches: DeploymentBranches) {
  if (branches === 'all') return null;
  return branches === 'protected' ? { protected_branches: true, custom_branch_policies: false } : { protected_branches: false, custom_branch_policies: true };
}

/** Custom branch patterns live in their own list: add what is missing, remove the rest. */
async function syncPatterns(ctx: GitHubContext, change: Change, repo: string, environment: string, patterns: string[]): Promise<void> {
  const live = await branchPolicies(ctx, repo, environment);
  const params = { owner: ctx.org, repo, environment_name: environment };
  for (const policy of live.filter((p) => !patterns.includes(p.name))) {
    await deleteIfPresent(ctx, change, `DELETE ${ENV}/deployment-branch-policies/{branch_policy_id}`, { ...params, branch_policy_id: policy.id });
  }
  for (const name of patterns.filter((p) => !live.some((l) => l.name === p))) {
    await writeTo(ctx, change, `POST ${ENV}/deployment-branch-policies`, { ...params, name, type: 'branch' });
  }
}

/**
 * `PUT` takes the whole protection at once, so the body is the live state with the desired
 * fields that changed on top: a field the user did not set (or ignores) keeps its live value.
 */
async function put(ctx: GitHubContext, change: Change): Promise<void> {
  const { parent: repo, child: environment } = childOf(change);
  const spec = deepMerge(change.actual ?? {}, specFromFields<Environment>(change.fields)) as Environment;
  const body: Record<string, unknown> = {};
  if (spec.waitTimer !== undefined) body.wait_timer = spec.waitTimer;
  if (spec.preventSelfReview !== undefined) body.prevent_self_review = spec.preventSelfReview;
  if (spec.reviewers !== undefined) body.reviewers = await reviewerIds(ctx, change, spec.reviewers);
  if (spec.deploymentBranches !== undefined) body.deployment_branch_policy = branchPolicyBody(spec.deploymentBranches);
  await writeTo(ctx, change, `PUT ${ENV}`, { owner: ctx.org, repo, environment_name: environment, ...body });
  const branches = spec.deploymentBranches;
  if (branches !== undefined && typeof branches === 'object') await syncPatterns(ctx, change, repo, environment, branches.patterns);
}

export async function applyEnvironment(change: Change, ctx: GitHubContext): Promise<void> {
  switch (change.action) {
    case 'rename':
      // The repository's rename moved the environment; only its protection may differ.
      requireParentRename(change, 'environment');
      return put(ctx, change);
    case 'create':
    case 'update':
      return put(ctx, change);
    case 'delete': {
      const { parent: repo, child: environment } = childOf(change);
      return deleteIfPresent(ctx, change, `DELETE ${ENV}`, { owner: ctx.org, repo, environment_name: environment });
    }
    case 'noop':
      return;
  }
}
