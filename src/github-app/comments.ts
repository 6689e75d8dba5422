import type { GitHubClient, RepoRef } from './client.js';

/**
 * One comment per PR and purpose, found by a hidden marker and edited in place, so retries
 * and re-runs never stack up comments. `known`: the PR's comments as GitHub listed them
 * already (see defaultBranchHead); otherwise they are listed here.
 */
export async function upsertComment(
  client: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
  known?: ReadonlyArray<{ id: number; body: string }>,
): Promise<void> {
  const tag = `<!-- converge:${marker} -->`;
  const comments = known ?? (await client.paginate(client.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: issueNumber, per_page: 100 }));
  const existing = comments.find((c) => c.body?.includes(tag));
  const text = `${tag}\n${body}`;
  if (existing) {
    if (existing.body !== text) await client.rest.issues.updateComment({ owner: ref.owner, repo: ref.repo, comment_id: existing.id, body: text });
  } else {
    await client.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: issueNumber, body: text });
  }
}

/** A new comment on an issue or PR (never edited later: for answers, not for status). */
export async function commentOn(client: GitHubClient, ref: RepoRef, issueNumber: number, body: string): Promise<void> {
  await client.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: issueNumber, body });
}

export interface FetchedComment {
  body: string;
  /** The issue or PR the comment is on, from its `issue_url`; undefined when GitHub's URL names none. */
  issueNumber: number | undefined;
  /** undefined for a deleted account. */
  author: string | undefined;
}

/** The issue or PR number at the end of a comment's `issue_url`. */
function issueNumberOf(issueUrl: string | undefined): number | undefined {
  const number = Number(issueUrl?.split('/').pop());
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/** A comment as GitHub holds it now (its current body, its real author). */
export async function fetchComment(client: GitHubClient, ref: RepoRef, commentId: number): Promise<FetchedComment> {
  const { data } = await client.rest.issues.getComment({ owner: ref.owner, repo: ref.repo, comment_id: commentId });
  return { body: data.body ?? '', issueNumber: issueNumberOf(data.issue_url), author: data.user?.login };
}
