/**
 * Pull request auto-merge: `enablePullRequestAutoMerge` / `disablePullRequestAutoMerge`, the
 * PullRequest node's `autoMergeRequest` (through `node(id:)`), `viewer`, and the REST pull's
 * `auto_merge` (autoMergeJson). The state hangs off the pull record itself, so tests reach it
 * with `fake.pull(...)` and a fresh world starts with none.
 *
 * GitHub's refusals as it words them: auto-merge off in the repository settings, a merge
 * method the repository does not allow, and a PR that could be merged right now ("clean").
 * The fake does not merge a PR when its checks pass: it only holds the request.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { FakeGap, GitHubGraphqlError } from './graphql.js';
import type { PullRecord } from './pulls.js';
import type { RepoRecord } from './repos.js';
import { nodeId, parseNodeId, userJson, type Actor, type World } from './world.js';

export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE';

export interface AutoMergeRecord {
  enabledBy: Actor;
  mergeMethod: MergeMethod;
  enabledAt: string;
  commitHeadline: string | null;
  commitBody: string | null;
  authorEmail: string | null;
}

const requests = new WeakMap<PullRecord, AutoMergeRecord>();

/** The PR's auto-merge request; GitHub drops it when the PR closes or merges. */
export function autoMergeOf(pull: PullRecord): AutoMergeRecord | undefined {
  return pull.state === 'open' ? requests.get(pull) : undefined;
}

/** Seeds auto-merge as someone enabled it in the UI (no checks: a test sets up the state it needs). */
export function seedAutoMerge(pull: PullRecord, enabledBy: Actor, mergeMethod: MergeMethod = 'SQUASH', enabledAt = '2025-01-01T00:00:00Z'): AutoMergeRecord {
  const record: AutoMergeRecord = { enabledBy, mergeMethod, enabledAt, commitHeadline: null, commitBody: null, authorEmail: null };
  requests.set(pull, record);
  return record;
}

/** The REST pull's `auto_merge` (`auto-merge` in GitHub's description): null when off. */
export function autoMergeJson(world: World, pull: PullRecord): Record<string, unknown> | null {
  const record = autoMergeOf(pull);
  if (!record) return null;
  return {
    enabled_by: userJson(world, record.enabledBy),
    merge_method: record.mergeMethod.toLowerCase(),
    commit_title: record.commitHeadline ?? '',
    commit_message: record.commitBody ?? '',
  };
}

const METHOD_ALLOWED: Record<MergeMethod, (repo: RepoRecord) => boolean> = {
  MERGE: (r) => r.allow_merge_commit,
  SQUASH: (r) => r.allow_squash_merge,
  REBASE: (r) => r.allow_rebase_merge,
};
const METHOD_NAME: Record<MergeMethod, string> = { MERGE: 'merge commit', SQUASH: 'squash merging', REBASE: 'rebase merging' };

/** fnmatch as branch protection patterns use it: `*` within a segment, `**` across. */
function patternMatches(pattern: string, branch: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*');
  return new RegExp(`^${source}$`).test(branch);
}

/**
 * Whether the PR waits for something before it can merge (GitHub's `mergeStateStatus` is then
 * BLOCKED, not CLEAN): a required status check without a passing latest run on the head, or
 * fewer approving reviewers than required. Only branch protection rules are read, not rulesets.
 */
function waitsForRequirements(world: World, repo: RepoRecord, pull: PullRecord): boolean {
  const rules = world.protections.list(repo).filter((r) => patternMatches(r.pattern, pull.base.ref));
  const runs = world.checks.list(repo).filter((r) => r.head_sha === pull.head.sha);
  const passed = (context: string) => {
    const latest = runs.filter((r) => r.name === context).sort((a, b) => b.id - a.id)[0];
    return latest?.status === 'completed' && ['success', 'neutral', 'skipped'].includes(latest.conclusion ?? '');
  };
  const verdicts = new Map<string, string>();
  for (const review of world.reviews.list(repo, pull.number)) if (review.state !== 'COMMENTED') verdicts.set(review.user.login.toLowerCase(), review.state);
  const approvals = [...verdicts.values()].filter((s) => s === 'APPROVED').length;
  return rules.some(
    (rule) =>
      (rule.requiresStatusChecks && rule.requiredStatusChecks.some((c) => !passed(c.context))) ||
      (rule.requiresApprovingReviews && approvals < Math.max(1, rule.requiredApprovingReviewCount ?? 1)),
  );
}

function pullById(world: World, id: string): { repo: RepoRecord; pull: PullRecord } | undefined {
  const parsed = parseNodeId(id);
  if (parsed?.prefix !== 'PR') return undefined;
  for (const repo of world.repos.list(world.org)) {
    const pull = world.pulls.list(repo).find((p) => p.id === parsed.id);
    if (pull) return { repo, pull };
  }
  return undefined;
}

function requirePull(world: World, id: string): { repo: RepoRecord; pull: PullRecord } {
  const found = pullById(world, id);
  if (!found) throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`, false);
  return found;
}

function actorNode(actor: Actor): Record<string, unknown> {
  return { __typename: actor.type === 'Bot' ? 'Bot' : 'User', id: nodeId(actor.type === 'Bot' ? 'BOT' : 'U', actor.id), login: actor.login };
}

function pullRequestNode(world: World, repo: RepoRecord, pull: PullRecord): Record<string, unknown> {
  const node: Record<string, unknown> = {
    __typename: 'PullRequest',
    id: nodeId('PR', pull.id),
    number: pull.number,
    state: pull.merged ? 'MERGED' : pull.state.toUpperCase(),
    headRefOid: pull.head.sha,
    autoMergeRequest: () => {
      const record = autoMergeOf(pull);
      return record
        ? { __typename: 'AutoMergeRequest', ...record, enabledBy: actorNode(record.enabledBy), pullRequest: node }
        : null;
    },
    mergeStateStatus: () => (pull.state !== 'open' ? 'UNKNOWN' : waitsForRequirements(world, repo, pull) ? 'BLOCKED' : 'CLEAN'),
  };
  return node;
}

type Input = { input: Record<string, unknown> & { clientMutationId?: string | null } };

/** Root fields for graphql.ts: `viewer`, `node` (pull requests only) and the two mutations. */
export function autoMergeGraphql(world: World): Record<string, unknown> {
  return {
    // An installation token's viewer is the app's bot user.
    viewer: () => ({ __typename: 'User', id: nodeId('BOT', world.bot.id), login: world.bot.login }),
    node: ({ id }: { id: string }, _context: unknown, _info: GraphQLResolveInfo) => {
      const parsed = parseNodeId(id);
      if (parsed && parsed.prefix !== 'PR') throw new FakeGap(`the fake's node(id:) resolves pull requests only, not ${parsed.prefix} (${id})`);
      const found = pullById(world, id);
      if (!found) throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`, false);
      return pullRequestNode(world, found.repo, found.pull);
    },
    enablePullRequestAutoMerge: ({ input }: Input) => {
      const { repo, pull } = requirePull(world, String(input.pullRequestId));
      const refuse = (message: string) => new GitHubGraphqlError('UNPROCESSABLE', message, false);
      if (repo.archived) throw new GitHubGraphqlError('FORBIDDEN', 'Repository was archived so is read-only.', false);
      // The fake's wording: GitHub's own for a closed PR was not recorded.
      if (pull.state !== 'open') throw refuse('Pull request is not open.');
      if (!repo.allow_auto_merge) throw refuse('Pull request Auto merge is not allowed for this repository');
      const method = (input.mergeMethod ?? 'MERGE') as MergeMethod;
      if (!METHOD_ALLOWED[method](repo)) throw refuse(`Merge method ${METHOD_NAME[method]} is not allowed on this repository`);
      if (input.expectedHeadOid != null && input.expectedHeadOid !== pull.head.sha) throw refuse('Head branch was modified. Review and try the merge again.');
      if (!waitsForRequirements(world, repo, pull)) throw refuse('Pull request is in clean status');
      requests.set(pull, {
        enabledBy: world.bot,
        mergeMethod: method,
        enabledAt: world.now(),
        commitHeadline: (input.commitHeadline as string | undefined) ?? null,
        commitBody: (input.commitBody as string | undefined) ?? null,
        authorEmail: (input.authorEmail as string | undefined) ?? null,
      });
      pull.updated_at = world.now();
      return { clientMutationId: input.clientMutationId ?? null, actor: actorNode(world.bot), pullRequest: pullRequestNode(world, repo, pull) };
    },
    disablePullRequestAutoMerge: ({ input }: Input) => {
      const { repo, pull } = requirePull(world, String(input.pullRequestId));
      if (repo.archived) throw new GitHubGraphqlError('FORBIDDEN', 'Repository was archived so is read-only.', false);
      if (requests.delete(pull)) pull.updated_at = world.now();
      return { clientMutationId: input.clientMutationId ?? null, actor: actorNode(world.bot), pullRequest: pullRequestNode(world, repo, pull) };
    },
  };
}
