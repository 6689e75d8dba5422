/**
 * What the approval check reads from GitHub: the pull request (its head and author), its
 * reviews, team memberships, and the plan check run it re-gates. Only the config repo and the
 * org's teams: never a target system, so the approval check costs no target read.
 */
import {
  approversAtHead,
  evaluateApprovals,
  membershipQuestions,
  mergeRequirements,
  type ApprovalEvaluation,
  type ApprovalRequirement,
  type Review,
} from '../core/approvals.js';
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './errors.js';

export interface PullState {
  number: number;
  /** The GraphQL id, for auto-merge. */
  nodeId: string;
  headSha: string;
  /** Undefined for a deleted account. */
  author: string | undefined;
  open: boolean;
}

export async function fetchPull(client: GitHubClient, ref: RepoRef, pullNumber: number): Promise<PullState> {
  const { data } = await client.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: pullNumber });
  return { number: data.number, nodeId: data.node_id, headSha: data.head.sha, author: data.user?.login, open: data.state === 'open' };
}

/** Every review of the PR, in GitHub's (chronological) order. */
export async function listReviews(client: GitHubClient, ref: RepoRef, pullNumber: number): Promise<Review[]> {
  const reviews = await client.paginate(client.rest.pulls.listReviews, { owner: ref.owner, repo: ref.repo, pull_number: pullNumber, per_page: 100 });
  return reviews.map((r) => ({
    id: r.id,
    user: r.user ? { login: r.user.login, type: r.user.type } : null,
    state: r.state,
    commitId: r.commit_id,
    submittedAt: r.submitted_at ?? null,
  }));
}

/**
 * Team membership through `GET /orgs/{org}/teams/{team}/memberships/{user}` (which counts the
 * members of child teams too): only an `active` membership counts, a pending invitation does
 * not. 404 means not a member (or a team the app cannot see). Each answer is asked once.
 */
export class TeamMemberships {
  private readonly answers = new Map<string, Promise<boolean>>();

  constructor(private readonly client: GitHubClient) {}

  isMember(org: string, team: string, login: string): Promise<boolean> {
    const key = `${org}/${team}:${login}`.toLowerCase();
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.client.rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username: login }).then(
        ({ data }) => data.state === 'active',
        (error: unknown) => {
          if (statusOf(error) === 404) return false;
          throw error;
        },
      );
      this.answers.set(key, answer);
    }
    return answer;
  }
}

/**
 * The requirements checked against the PR's reviews at `pull.headSha`. Memberships are asked
 * only for people who approved at the head, and only of the teams the requirements name.
 */
export async function checkApprovals(client: GitHubClient, ref: RepoRef, pull: Pick<PullState, 'number' | 'headSha' | 'author'>, requirements: readonly ApprovalRequirement[]): Promise<ApprovalEvaluation> {
  if (requirements.length === 0) return evaluateApprovals([], [], () => false);
  const logins = approversAtHead(await listReviews(client, ref, pull.number), pull);
  const memberships = new TeamMemberships(client);
  const known = new Map<string, boolean>();
  for (const q of membershipQuestions(requirements, logins)) {
    known.set(`${q.org}/${q.team}:${q.login}`.toLowerCase(), await memberships.isMember(q.org, q.team, q.login));
  }
  return evaluateApprovals(requirements, logins, (org, team, login) => known.get(`${org}/${team}:${login}`.toLowerCase()) ?? false);
}

/**
 * What the plan check needs to gate on approvals at `pull.headSha`: the requirements (merged,
 * see mergeRequirements), what the PR's reviews give them, and the PR itself. With no
 * requirement, only the PR is read (auto-merge needs it).
 */
export async function planApprovals(
  client: GitHubClient,
  ref: RepoRef,
  pull: { number: number; headSha: string },
  requirements: readonly ApprovalRequirement[],
): Promise<{ requirements: ApprovalRequirement[]; evaluation: ApprovalEvaluation; headSha: string; pull: PullState }> {
  const merged = mergeRequirements(requirements);
  const state = await fetchPull(client, ref, pull.number);
  return { requirements: merged, evaluation: await checkApprovals(client, ref, { ...pull, author: state.author }, merged), headSha: pull.headSha, pull: state };
}

/** A check run as the approval check reads it back. */
export interface ReportedPlanCheck {
  id: number;
  status: string;
  conclusion: string | null;
  title: string;
  summary: string;
  text: string | undefined;
}

/** The newest check run named `name` with `externalId` on `sha` (re-runs add newer ones), if any. */
export async function latestCheckRun(client: GitHubClient, ref: RepoRef, sha: string, name: string, externalId: string): Promise<ReportedPlanCheck | undefined> {
  const runs = await client.paginate(client.rest.checks.listForRef, { owner: ref.owner, repo: ref.repo, ref: sha, check_name: name, filter: 'all', per_page: 100 });
  const run = runs.filter((r) => r.external_id === externalId).sort((a, b) => b.id - a.id)[0];
  if (!run) return undefined;
  return { id: run.id, status: run.status, conclusion: run.conclusion, title: run.output.title ?? '', summary: run.output.summary ?? '', text: run.output.text ?? undefined };
}

