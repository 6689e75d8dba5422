import type { ReadResult } from '../../../core/provider.js';
import type { ResourceRef } from '../../../core/resource.js';
import { readChildren, readChildrenOfEveryRepository, type ChildLister } from '../shared/children.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { listWrapped } from '../shared/lists.js';
import { sortedNames } from '../shared/permissions.js';
import type { DeploymentBranches, Environment } from './schema.js';

interface ProtectionRule {
  type: string;
  wait_timer?: number;
  prevent_self_review?: boolean;
  reviewers?: Array<{ type?: 'User' | 'Team'; reviewer?: { login?: string; slug?: string } }>;
}

export interface RestEnvironment {
  name: string;
  protection_rules?: ProtectionRule[];
  deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

export interface BranchPolicy {
  id: number;
  name: string;
  type?: 'branch' | 'tag';
}

const ENV = '/repos/{owner}/{repo}/environments/{environment_name}';

/** Custom branch policies of one environment (tag policies are left out: not managed). */
export async function branchPolicies(ctx: GitHubContext, repo: string, environment: string): Promise<BranchPolicy[]> {
  const list = await listWrapped<BranchPolicy>(ctx, `GET ${ENV}/deployment-branch-policies`, { owner: ctx.org, repo, environment_name: environment }, 'branch_policies');
  return (list ?? []).filter((p) => (p.type ?? 'branch') === 'branch');
}

/** GitHub's absent rules read as their defaults: no wait, no reviewers, every branch. */
export async function environmentSpec(ctx: GitHubContext, repo: string, env: RestEnvironment): Promise<Environment> {
  const rules = env.protection_rules ?? [];
  const wait = rules.find((r) => r.type === 'wait_timer');
  const review = rules.find((r) => r.type === 'required_reviewers');
  const reviewers = review?.reviewers ?? [];
  const policy = env.deployment_branch_policy;
  let deploymentBranches: DeploymentBranches = 'all';
  if (policy?.protected_branches) deploymentBranches = 'protected';
  else if (policy?.custom_branch_policies) {
    deploymentBranches = { patterns: [...new Set((await branchPolicies(ctx, repo, env.name)).map((p) => p.name))].sort() };
  }
  return {
    waitTimer: wait?.wait_timer ?? 0,
    preventSelfReview: review?.prevent_self_review ?? false,
    reviewers: {
      users: sortedNames(reviewers.flatMap((r) => (r.type === 'User' && r.reviewer?.login ? [r.reviewer.login] : []))),
      teams: sortedNames(reviewers.flatMap((r) => (r.type === 'Team' && r.reviewer?.slug ? [r.reviewer.slug] : []))),
    },
    deploymentBranches,
  };
}

/** One list per repository; only environments with custom branch patterns cost one more. */
const environments: ChildLister<RestEnvironment> = {
  noun: 'environment',
  list: (repo, ctx) => listWrapped<RestEnvironment>(ctx, 'GET /repos/{owner}/{repo}/environments', { owner: ctx.org, repo }, 'environments'),
  key: (e) => e.name,
  spec: (e, repo, ctx) => environmentSpec(ctx, repo, e),
};

export function readEnvironments(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  return readChildren(refs, ctx, environments);
}

export const repositoryEnvironments: BulkRead = {
  readAll: (_kinds, ctx) => readChildrenOfEveryRepository('github.environment', ctx, environments),
};
