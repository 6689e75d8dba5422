/**
 * Who may start a full run by comment. The webhook's word is never enough (a forged or
 * replayed delivery can name anyone): the comment is fetched by id from the config repo, its
 * current body must still carry the command the job runs, and its author, as GitHub answers,
 * must be an admin of the config repo. Every doubt refuses: nothing runs. `configRepo` is
 * CONVERGE_CONFIG_REPO (names and patterns).
 */
import { parseFullRunCommand } from '../app/commands.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { configRepos } from '../env/config-repos.js';
import { appGitHubError, commentOn, fetchComment, repositoryPermission, statusOf, type GitHubClient, type RepoRef } from '../github-app/index.js';
import { link, text } from '../github-app/render/markdown.js';
import { invalidConfigReason } from '../github-app/render/results.js';
import type { FullRunJob } from '../queue/jobs.js';

/** `replyIn`: the issue or PR to answer in, as GitHub says the comment is (never the webhook's word). */
export type FullRunAuthorization =
  | { allowed: true; requester?: string; replyIn?: number }
  | { allowed: false; skipped: 'not-admin' | 'unverified'; why: string; replyIn?: number };

const refused = (skipped: 'not-admin' | 'unverified', why: string, replyIn?: number): FullRunAuthorization => ({
  allowed: false,
  skipped,
  why,
  ...(replyIn ? { replyIn } : {}),
});

/** GitHub's own failures that may pass (5xx, rate limits) are thrown: BullMQ retries, nothing runs meanwhile. */
async function ask<T>(call: () => Promise<T>, what: string): Promise<{ ok: T } | { failed: string; status: number | undefined }> {
  try {
    return { ok: await call() };
  } catch (thrown) {
    const error = appGitHubError(thrown);
    if (error.retryable) throw error;
    return { failed: `${what} (${error.message})`, status: statusOf(thrown) };
  }
}

async function decide(client: GitHubClient, ref: RepoRef, job: FullRunJob, isConfigRepo: boolean): Promise<FullRunAuthorization> {
  // Even a scheduled run: a repo the admin took off CONVERGE_CONFIG_REPO keeps its schedule
  // until it is removed, and other config repos no longer count its claims, so it must not run.
  if (!isConfigRepo) return refused('unverified', 'the repository is not a config repo (CONVERGE_CONFIG_REPO)');
  // Scheduled runs and the operator's CLI name nobody; anything that names a requester or a comment is checked.
  if (job.commentId === undefined && job.requestedBy === undefined && job.requestedIn === undefined) return { allowed: true };
  if (job.commentId === undefined) return refused('unverified', 'the request names no comment, so who asked cannot be confirmed');

  const fetched = await ask(() => fetchComment(client, ref, job.commentId!), 'the comment that asked could not be read');
  if ('failed' in fetched) {
    return refused('unverified', fetched.status === 404 ? 'the comment that asked for it no longer exists' : fetched.failed);
  }
  const comment = fetched.ok;
  const replyIn = comment.issueNumber;
  const command = parseFullRunCommand(comment.body);
  if (!command) return refused('unverified', 'the comment no longer asks for a full run', replyIn);
  if (command.allowDeletions !== (job.overrideMaxDeletions === true)) {
    return refused('unverified', 'the comment no longer asks for this run (`--allow-deletions` differs)', replyIn);
  }
  if (command.allowUpdates !== (job.overrideMaxUpdates === true)) {
    return refused('unverified', 'the comment no longer asks for this run (`--allow-updates` differs)', replyIn);
  }
  const author = comment.author;
  if (!author) return refused('unverified', 'the comment has no known author (a deleted account)', replyIn);

  const permission = await ask(() => repositoryPermission(client, ref, author), `the permission of @${author} could not be checked`);
  if ('failed' in permission) return refused('unverified', permission.failed, replyIn);
  if (permission.ok !== 'admin') {
    return refused('not-admin', `@${author} only admins of this repository can start a full run`, replyIn);
  }
  return { allowed: true, requester: author, ...(replyIn ? { replyIn } : {}) };
}

/**
 * Allowed, with the confirmed requester and where to answer; or refused, in which case the
 * reason is posted where GitHub says the comment is (else where the job says), when possible.
 */
export async function authorizeFullRun(client: GitHubClient, ref: RepoRef, job: FullRunJob, configRepo: string): Promise<FullRunAuthorization> {
  const isConfigRepo = configRepos(configRepo).matches(job.repo);
  const decision = await decide(client, ref, job, isConfigRepo);
  if (decision.allowed) return decision;
  // Never @-mention the webhook's login: only a login GitHub confirmed appears in the answer.
  const where = decision.replyIn ?? job.requestedIn;
  if (where !== undefined && isConfigRepo) {
    const body =
      decision.skipped === 'not-admin'
        ? `${decision.why}.`
        : `Converge did not start a full run: ${decision.why}. Only admins of this repository can start one; comment \`/converge full-run\` again to retry.`;
    await commentOn(client, ref, where, body);
  }
  return decision;
}

/**
 * The answer to an allowed request whose run found the configuration at head invalid: nothing
 * ran, the first error, and where all of them are marked (the commit's checks). A scheduled
 * run has nobody to answer (no `replyIn`), so it gets none. Called once, where the run stops.
 */
export async function replyInvalidConfig(
  client: GitHubClient,
  ref: RepoRef,
  authorization: Extract<FullRunAuthorization, { allowed: true }>,
  head: { sha: string; diagnostics: readonly Diagnostic[]; webUrl: string },
): Promise<void> {
  if (authorization.replyIn === undefined) return;
  const checks = link(`checks of ${head.sha.slice(0, 7)}`, `${head.webUrl}/${ref.owner}/${ref.repo}/commit/${head.sha}/checks`);
  const body =
    `Converge did not start a full run: ${text(invalidConfigReason(head.sha, head.diagnostics), 600)}. ` +
    `Every error is marked on its line in the ${checks}; fix them in a pull request, then comment \`/converge full-run\` again.`;
  await commentOn(client, ref, authorization.replyIn, body);
}
