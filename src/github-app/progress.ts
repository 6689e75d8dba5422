import type { GitHubClient, RepoRef } from './client.js';
import type { CommitRef } from './compare.js';

/**
 * The last converged commit of each config repo as the workers recorded it, so that a
 * convergence need not look for it in the history. Only a hint: when it holds nothing, the
 * history (the durable record) is searched; when it lags, a convergence re-applies what is
 * already applied, which is harmless.
 */
export interface ProgressStore {
  get(ref: RepoRef): Promise<CommitRef | undefined>;
  set(ref: RepoRef, commit: CommitRef): Promise<void>;
}

/** Commits of history one progress query covers (GitHub's page maximum). */
export const PROGRESS_PAGE = 100;
/**
 * How far back from head the last converged commit is looked for: 2,000 commits, that is at
 * most 20 GraphQL queries (about 11 points each). Beyond it, the convergence checks every
 * resource and a full run prunes what the missed commits removed.
 */
export const PROGRESS_MAX_COMMITS = 2_000;

const QUERY = /* GraphQL */ `
  query ConvergeProgress($owner: String!, $repo: String!, $head: GitObjectID!, $after: String, $first: Int!, $checkName: String!, $appId: Int) {
    repository(owner: $owner, name: $repo) {
      object(oid: $head) {
        ... on Commit {
          history(first: $first, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes {
              oid
              tree { oid }
              checkSuites(first: 10, filterBy: { appId: $appId, checkName: $checkName }) {
                nodes {
                  checkRuns(first: 1, filterBy: { checkName: $checkName, checkType: LATEST, status: COMPLETED, conclusions: [SUCCESS] }) { totalCount }
                }
              }
            }
          }
        }
      }
    }
  }
`;

interface ProgressPage {
  repository: {
    object: {
      history?: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: Array<{ oid: string; tree: { oid: string }; checkSuites: { nodes: Array<{ checkRuns: { totalCount: number } }> } | null }>;
      };
    } | null;
  } | null;
}

export interface LastConverged {
  /** The newest commit with a successful apply check run; undefined when none was found. */
  sha: string | undefined;
  /** Its root tree, the snapshot cache's key. */
  tree?: string | undefined;
  /** Commits looked at, head included. */
  searched: number;
  /** True when history goes further back than was searched (none found within the maximum). */
  truncated: boolean;
}

export interface ProgressOptions {
  /** Only check runs of this app count, so no other app can forge progress. */
  appId?: number;
  maxCommits?: number;
}

/**
 * The last converged commit is recorded in GitHub itself: it is the newest commit of the
 * default branch carrying a successful apply check run (the latest run of that name). Redis
 * holds only a hint (ProgressStore), so a wiped Redis or a lost webhook is caught up from here. One GraphQL
 * query reads 100 commits of history with their check runs filtered by app and name, so even
 * a long outage costs a bounded number of requests.
 */
export async function findLastConverged(
  client: GitHubClient,
  ref: RepoRef,
  headSha: string,
  checkName: string,
  options: ProgressOptions = {},
): Promise<LastConverged> {
  const max = options.maxCommits ?? PROGRESS_MAX_COMMITS;
  let searched = 0;
  let after: string | null = null;
  for (;;) {
    const first = Math.min(PROGRESS_PAGE, max - searched);
    const page: ProgressPage = await client.graphql<ProgressPage>(QUERY, {
      owner: ref.owner,
      repo: ref.repo,
      head: headSha,
      after,
      first,
      checkName,
      appId: options.appId ?? null,
    });
    const history = page.repository?.object?.history;
    if (!history) return { sha: undefined, searched, truncated: false };
    for (const commit of history.nodes) {
      searched++;
      if (commit.checkSuites?.nodes.some((suite) => suite.checkRuns.totalCount > 0)) return { sha: commit.oid, tree: commit.tree.oid, searched, truncated: false };
    }
    if (!history.pageInfo.hasNextPage || !history.pageInfo.endCursor) return { sha: undefined, searched, truncated: false };
    if (searched >= max) return { sha: undefined, searched, truncated: true };
    after = history.pageInfo.endCursor;
  }
}
