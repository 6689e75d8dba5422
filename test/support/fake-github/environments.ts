/**
 * Deployment environments with their protection rules (wait timer, required reviewers) and
 * deployment branch policy, including custom branch-name patterns. Names compare without
 * regard to case, as on GitHub.
 */
import { bodyOf, HttpError, noContent, notFound, ok, paginate } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { teamJson } from './teams.js';
import { simpleUserJson } from './users.js';
import { nodeId, type World } from './world.js';

export interface ReviewerRef {
  type: 'User' | 'Team';
  id: number;
}

export interface BranchPolicyRecord {
  id: number;
  name: string;
  type: 'branch' | 'tag';
}

export interface EnvironmentRecord {
  id: number;
  name: string;
  wait_timer: number;
  prevent_self_review: boolean;
  reviewers: ReviewerRef[];
  deployment_branch_policy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  branchPolicies: BranchPolicyRecord[];
  created_at: string;
  updated_at: string;
}

const unprocessable = (message: string) => new HttpError(422, { message, status: '422' });

export class EnvironmentStore {
  private readonly byRepo = new Map<number, Map<string, EnvironmentRecord>>();

  constructor(private readonly world: World) {}

  of(repo: RepoRecord): Map<string, EnvironmentRecord> {
    let map = this.byRepo.get(repo.id);
    if (!map) this.byRepo.set(repo.id, (map = new Map()));
    return map;
  }

  list(repo: RepoRecord): EnvironmentRecord[] {
    return [...this.of(repo).values()].sort((a, b) => a.id - b.id);
  }

  get(repo: RepoRecord, name: string): EnvironmentRecord | undefined {
    return this.of(repo).get(name.toLowerCase());
  }

  /** Creates or updates, as `PUT` does: fields not given keep their value. */
  put(repo: RepoRecord, name: string, body: Record<string, unknown>): EnvironmentRecord {
    let env = this.get(repo, name);
    if (!env) {
      if (name.length === 0 || name.length > 255) throw unprocessable('Environment name must be 1 to 255 characters.');
      const now = this.world.now();
      env = { id: this.world.nextId(), name, wait_timer: 0, prevent_self_review: false, reviewers: [], deployment_branch_policy: null, branchPolicies: [], created_at: now, updated_at: now };
      this.of(repo).set(name.toLowerCase(), env);
    }
    if (body.wait_timer !== undefined) {
      const timer = Number(body.wait_timer);
      if (!Number.isInteger(timer) || timer < 0 || timer > 43_200) throw unprocessable('wait_timer must be an integer from 0 to 43200.');
      env.wait_timer = timer;
    }
    if (typeof body.prevent_self_review === 'boolean') env.prevent_self_review = body.prevent_self_review;
    if (body.reviewers !== undefined) {
      const reviewers = (body.reviewers ?? []) as ReviewerRef[];
      if (reviewers.length > 6) throw unprocessable('An environment can have at most 6 required reviewers.');
      for (const r of reviewers) {
        const known = r.type === 'Team' ? this.world.teams.getById(r.id) : this.world.users.getById(r.id);
        if (!known) throw unprocessable(`Reviewer ${r.type} ${r.id} was not found.`);
      }
      env.reviewers = reviewers.map((r) => ({ type: r.type, id: r.id }));
    }
    if (body.deployment_branch_policy !== undefined) {
      const policy = body.deployment_branch_policy as EnvironmentRecord['deployment_branch_policy'];
      if (policy && policy.protected_branches === policy.custom_branch_policies) {
        throw unprocessable('Exactly one of protected_branches and custom_branch_policies must be true.');
      }
      env.deployment_branch_policy = policy ? { ...policy } : null;
      if (!policy?.custom_branch_policies) env.branchPolicies = [];
    }
    env.updated_at = this.world.now();
    return env;
  }

  delete(repo: RepoRecord, name: string): boolean {
    return this.of(repo).delete(name.toLowerCase());
  }
}

function environmentJson(world: World, repo: RepoRecord, env: EnvironmentRecord): Record<string, unknown> {
  const rules: Array<Record<string, unknown>> = [];
  const rule = (type: string, extra: Record<string, unknown>) => {
    const id = env.id * 10 + rules.length + 1;
    rules.push({ id, node_id: nodeId('GA', id), type, ...extra });
  };
  if (env.wait_timer > 0) rule('wait_timer', { wait_timer: env.wait_timer });
  if (env.reviewers.length > 0) {
    rule('required_reviewers', {
      prevent_self_review: env.prevent_self_review,
      reviewers: env.reviewers.flatMap((r) => {
        const reviewer =
          r.type === 'Team'
            ? (() => {
                const team = world.teams.getById(r.id);
                return team ? teamJson(world, team) : undefined;
              })()
            : (() => {
                const user = world.users.getById(r.id);
                return user ? simpleUserJson(world, user) : undefined;
              })();
        return reviewer ? [{ type: r.type, reviewer }] : [];
      }),
    });
  }
  if (env.deployment_branch_policy) rule('branch_policy', {});
  return {
    id: env.id,
    node_id: nodeId('EN', env.id),
    name: env.name,
    url: `${world.urls.api}/repos/${repo.owner}/${repo.name}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${world.urls.web}/${repo.owner}/${repo.name}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: env.created_at,
    updated_at: env.updated_at,
    protection_rules: rules,
    deployment_branch_policy: env.deployment_branch_policy,
  };
}

const policyJson = (p: BranchPolicyRecord) => ({ id: p.id, node_id: nodeId('DBP', p.id), name: p.name, type: p.type });

export function environmentRoutes(router: Router, world: World): void {
  const { repos, environments } = world;
  const requireEnv = (repo: RepoRecord, name: string) => {
    const env = environments.get(repo, name);
    if (!env) throw notFound();
    return env;
  };

  router.get('/repos/{owner}/{repo}/environments', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    return paginate(req, environments.list(repo), (e) => environmentJson(world, repo, e), { apiBase: world.urls.api, wrap: 'environments' });
  });

  router.get('/repos/{owner}/{repo}/environments/{environment_name}', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    return ok(environmentJson(world, repo, requireEnv(repo, req.params.environment_name!)));
  });

  router.put('/repos/{owner}/{repo}/environments/{environment_name}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    return ok(environmentJson(world, repo, environments.put(repo, req.params.environment_name!, bodyOf(req))));
  });

  router.delete('/repos/{owner}/{repo}/environments/{environment_name}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    if (!environments.delete(repo, req.params.environment_name!)) throw notFound();
    return noContent();
  });

  router.get('/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    const env = requireEnv(repo, req.params.environment_name!);
    return paginate(req, env.branchPolicies, policyJson, { apiBase: world.urls.api, wrap: 'branch_policies' });
  });

  router.post('/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const env = requireEnv(repo, req.params.environment_name!);
    if (!env.deployment_branch_policy?.custom_branch_policies) throw notFound();
    const body = bodyOf(req);
    const name = String(body.name ?? '');
    const type = body.type === 'tag' ? 'tag' : 'branch';
    if (env.branchPolicies.some((p) => p.name === name && p.type === type)) throw unprocessable(`A policy for ${name} already exists.`);
    const policy = { id: world.nextId(), name, type } as BranchPolicyRecord;
    env.branchPolicies.push(policy);
    return ok(policyJson(policy));
  });

  router.delete('/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const env = requireEnv(repo, req.params.environment_name!);
    const index = env.branchPolicies.findIndex((p) => p.id === Number(req.params.branch_policy_id));
    if (index < 0) throw notFound();
    env.branchPolicies.splice(index, 1);
    return noContent();
  });
}
