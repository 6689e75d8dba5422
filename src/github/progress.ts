import type { GitHubClient } from '../providers/deps.js';
import type { RepoRef } from './snapshot.js';

/** How far back from head we look for the last converged commit before converging everything. */
export const PROGRESS_LOOKBACK = 50;

/**
 * The last converged commit is recorded in GitHub itself: it is the newest commit of the
 * default branch carrying a successful apply check run. Nothing in Redis is needed, so a
 * wiped Redis or a lost webhook is caught up from here. Returns undefined on a first run.
 */
export async function findLastConverged(client: GitHubClient, ref: RepoRef, headSha: string, checkName: string): Promise<string | undefined> {
  const { data: commits } = await client.rest.repos.listCommits({ owner: ref.owner, repo: ref.repo, sha: headSha, per_page: PROGRESS_LOOKBACK });
  for (const commit of commits) {
    const { data } = await client.rest.checks.listForRef({
      owner: ref.owner,
      repo: ref.repo,
      ref: commit.sha,
      check_name: checkName,
      status: 'completed',
      filter: 'latest',
      per_page: 10,
    });
    if (data.check_runs.some((run) => run.conclusion === 'success')) return commit.sha;
  }
  return undefined;
}
