import type { GitHubClient, RepoRef } from './client.js';

const tagOf = (marker: string) => `<!-- converge:${marker} -->`;

/** Converge's comment for `marker` among `comments`, if there is one. */
export function markedComment<T extends { body?: string | null | undefined }>(comments: readonly T[], marker: string): T | undefined {
  return comments.find((c) => c.body?.includes(tagOf(marker)));
}

/**
 * One comment per PR and purpose, found by a hidden marker and edited in place, so retries
 * and re-runs never stack up comments. `body` may be built from the comment as it stands
 * (undefined when there is none yet), to carry forward what it recorded. `known`: the PR's
 * comments as GitHub listed them already (see defaultBranchHead); otherwise they are listed here.
 */
export async function upsertComment(
  client: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
  marker: string,
  body: string | ((existing: string | undefined) => string),
  known?: ReadonlyArray<{ id: number; body?: string | undefined }>,
): Promise<void> {
  const comments = known ?? (await client.paginate(client.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: issueNumber, per_page: 100 }));
  const existing = markedComment(comments, marker);
  const text = `${tagOf(marker)}\n${typeof body === 'string' ? body : body(existing?.body)}`;
  if (existing) {
    if (existing.body !== text) await client.rest.issues.updateComment({ owner: ref.owner, repo: ref.repo, comment_id: existing.id, body: text });
  } else {
    await client.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: issueNumber, body: text });
  }
}

const dataTag = (key: string) => `<!-- converge:${key}:data `;

/**
 * `data` as JSON in a hidden HTML comment, for the next edit of the comment to read back with
 * `commentData`. `<`, `>` and `&` are escaped inside the JSON, so no value can end the HTML comment.
 */
export function hiddenData(key: string, data: unknown): string {
  const json = JSON.stringify(data).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${dataTag(key)}${json} -->`;
}

/** What `hiddenData` put into a comment body; undefined when there is none, or it is not JSON. */
export function commentData(body: string | undefined, key: string): unknown {
  const start = body?.indexOf(dataTag(key)) ?? -1;
  if (!body || start < 0) return undefined;
  const from = start + dataTag(key).length;
  const end = body.indexOf(' -->', from);
  try {
    return end < 0 ? undefined : (JSON.parse(body.slice(from, end)) as unknown);
  } catch {
    return undefined;
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
