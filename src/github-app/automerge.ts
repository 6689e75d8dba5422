/**
 * GitHub's auto-merge on a config repo PR, following the plan's decision (core/automerge):
 * on when the PR qualifies, off again when it stops qualifying, but only where Converge
 * turned it on. A person who enabled auto-merge themselves made that call with write access,
 * and branch protection still gates the merge: Converge leaves it and says so.
 */
import type { AutomergeDecision, MergeMethod } from '../core/automerge.js';
import type { GitHubClient, RepoRef } from './client.js';
import { appGitHubError } from './errors.js';

export type AutoMergeState = 'enabled' | 'already-enabled' | 'disabled' | 'not-qualified' | 'refused';

/** What happened, for the plan text: `message` is one or two sentences a reviewer understands. */
export interface AutoMergeOutcome {
  state: AutoMergeState;
  message: string;
}

export interface AutoMergePull {
  number: number;
  /** The PR's GraphQL id (`node_id` in REST and webhooks). */
  nodeId: string;
  /** The head the plan was computed for: GitHub refuses to enable auto-merge if the PR moved on since. */
  headSha?: string;
}

const STATE = /* GraphQL */ `
  query ConvergeAutoMergeState($id: ID!) {
    viewer { login }
    node(id: $id) {
      ... on PullRequest { state autoMergeRequest { mergeMethod enabledBy { login } } }
    }
  }
`;

const ENABLE = /* GraphQL */ `
  mutation ConvergeEnableAutoMerge($id: ID!, $mergeMethod: PullRequestMergeMethod!, $head: GitObjectID) {
    enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod, expectedHeadOid: $head }) {
      pullRequest { autoMergeRequest { mergeMethod } }
    }
  }
`;

const DISABLE = /* GraphQL */ `
  mutation ConvergeDisableAutoMerge($id: ID!) {
    disablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId }
  }
`;

interface StateAnswer {
  viewer: { login: string };
  node: { state?: string; autoMergeRequest?: { mergeMethod: string; enabledBy: { login: string } | null } | null } | null;
}

const WAITS = 'GitHub merges it once its required checks and reviews pass';

/**
 * Turns auto-merge on or off on `pull` in `ref` (the config repo) as `decision` says, merging
 * with `method`. GitHub's refusals (auto-merge off in the repository settings, a merge method
 * it does not allow, a PR that can already be merged, missing permission) come back as
 * `refused` with what to do; anything else (network, rate limit) is thrown as a typed error.
 */
export async function setAutoMerge(client: GitHubClient, ref: RepoRef, pull: AutoMergePull, decision: AutomergeDecision, method: MergeMethod): Promise<AutoMergeOutcome> {
  const where = `${ref.owner}/${ref.repo}#${pull.number}`;
  let answer: StateAnswer;
  try {
    answer = await client.graphql<StateAnswer>(STATE, { id: pull.nodeId });
  } catch (error) {
    throw appGitHubError(error);
  }
  if (answer.node?.state !== 'OPEN') return { state: 'not-qualified', message: `${where} is not open: auto-merge does not apply.` };
  const current = answer.node.autoMergeRequest ?? undefined;
  const enabledBy = current?.enabledBy?.login;
  const byConverge = current !== undefined && enabledBy?.toLowerCase() === answer.viewer.login.toLowerCase();

  if (decision.qualifies) {
    if (current) {
      const who = byConverge ? 'Converge' : enabledBy ? `@${enabledBy}` : 'someone';
      return { state: 'already-enabled', message: `Auto-merge is on (${current.mergeMethod.toLowerCase()}, turned on by ${who}): ${WAITS}.` };
    }
    try {
      await client.graphql(ENABLE, { id: pull.nodeId, mergeMethod: method.toUpperCase(), head: pull.headSha ?? null });
    } catch (error) {
      return refusal(error, where, method);
    }
    return { state: 'enabled', message: `Converge turned on auto-merge (${method}): ${WAITS}.` };
  }

  if (current && byConverge) {
    try {
      await client.graphql(DISABLE, { id: pull.nodeId });
    } catch (error) {
      return refusal(error, where, method);
    }
    return { state: 'disabled', message: 'Converge turned off the auto-merge it had turned on: the PR no longer qualifies.' };
  }
  if (current) {
    const who = enabledBy ? `@${enabledBy}` : 'someone';
    return {
      state: 'not-qualified',
      message: `The PR does not qualify for auto-merge, but ${who} turned it on: ${WAITS}. Converge leaves a person's choice alone.`,
    };
  }
  return { state: 'not-qualified', message: 'The PR does not qualify for auto-merge.' };
}

interface GraphqlFailure {
  errors: Array<{ type?: string; message?: string }>;
}

function graphqlErrors(error: unknown): GraphqlFailure['errors'] | undefined {
  if (!(error instanceof Error) || error.name !== 'GraphqlResponseError') return undefined;
  const errors = (error as unknown as Partial<GraphqlFailure>).errors;
  return Array.isArray(errors) ? errors : undefined;
}

/**
 * GitHub's refusal as an outcome, or a thrown typed error for a failure that is not one.
 * GitHub words these refusals only as messages under one type (UNPROCESSABLE), so the
 * message is what tells them apart.
 */
function refusal(error: unknown, where: string, method: MergeMethod): AutoMergeOutcome {
  const errors = graphqlErrors(error);
  if (!errors) throw appGitHubError(error, 'write');
  const said = errors.map((e) => e.message ?? e.type ?? 'error').join('; ');
  const refused = (message: string): AutoMergeOutcome => ({ state: 'refused', message });
  if (/auto merge is not allowed/i.test(said)) {
    return refused(`GitHub refused auto-merge: it is not allowed in ${where.replace(/#\d+$/, '')}. A repository admin turns on "Allow auto-merge" (Settings → General → Pull Requests).`);
  }
  if (/clean status/i.test(said)) {
    return refused(`The PR can be merged now: GitHub turns on auto-merge only while required checks or reviews are pending, and none are. Merge it, or make the plan check required in branch protection.`);
  }
  if (/merge method .* not allowed/i.test(said)) {
    return refused(`GitHub refused auto-merge: the ${method} merge method is not allowed in ${where.replace(/#\d+$/, '')}; set automerge.method in converge.yml to one the repository allows.`);
  }
  if (/head branch was modified/i.test(said)) return refused('The PR moved on since this plan: the plan of its new head decides about auto-merge.');
  if (/not accessible by integration/i.test(said)) {
    return refused(`Converge may not change auto-merge on ${where}: the app needs the contents: write and pull_requests: write permissions (GitHub said: ${said}).`);
  }
  if (errors.some((e) => e.type === 'FORBIDDEN')) return refused(`Converge may not change auto-merge on ${where}: ${said}`);
  if (errors.some((e) => e.type === 'UNPROCESSABLE')) return refused(`GitHub refused auto-merge on ${where}: ${said}`);
  throw appGitHubError(error, 'write');
}
