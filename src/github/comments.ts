import type { GitHubClient } from '../providers/deps.js';
import type { RepoRef } from './snapshot.js';

/**
 * One comment per PR and purpose, found by a hidden marker and edited in place, so retries
 * and re-runs never stack up comments.
 */
export async function upsertComment(client: GitHubClient, ref: RepoRef, issueNumber: number, marker: string, body: string): Promise<void> {
  const tag = `<!-- converge:${marker} -->`;
  const comments = await client.paginate(client.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: issueNumber, per_page: 100 });
  const existing = comments.find((c) => c.body?.includes(tag));
  const text = `${tag}\n${body}`;
  if (existing) {
    if (existing.body !== text) await client.rest.issues.updateComment({ owner: ref.owner, repo: ref.repo, comment_id: existing.id, body: text });
  } else {
    await client.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: issueNumber, body: text });
  }
}

/** Merged PRs whose merge produced this commit. */
export async function pullsForCommit(client: GitHubClient, ref: RepoRef, sha: string): Promise<number[]> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ owner: ref.owner, repo: ref.repo, commit_sha: sha, per_page: 10 });
  return data.filter((pr) => pr.merged_at && pr.merge_commit_sha === sha).map((pr) => pr.number);
}
