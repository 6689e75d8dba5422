/**
 * Who may run a comment command (a full run, an adopt PR). The webhook's word is never enough (a forged or
 * replayed delivery can name anyone): the comment is fetched by id from the config repo, its
 * current body must still carry the command the job runs, and its author, as GitHub answers,
 * must be an admin of the config repo. Every doubt refuses: nothing runs. `configRepo` is
 * CONVERGE_CONFIG_REPO (names and patterns).
 */
import { parseAdoptCommand, parseFullRunCommand } from '../app/commands.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { configRepos } from '../env/config-repos.js';
import { appGitHubError, commentOn, fetchComment, repositoryPermission, statusOf, type GitHubClient, type RepoRef } from '../github-app/index.js';
import { link, text } from '../github-app/render/markdown.js';
import { invalidConfigReason } from '../github-app/render/results.js';
import type { AdoptJob, FullRunJob } from '../queue/jobs.js';

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

/** What a comment command's job says about who asked: the comment, as the webhook named it. */
export interface CommandRequest {
  commentId?: number | undefined;
  requestedBy?: string | undefined;
  requestedIn?: number | undefined;
}

/** One command's terms: how GitHub's copy of the comment must still read, and what it does (for replies). */
export interface CommandCheck {
  /** Why the comment's current body no longer asks for this job; undefined when it still does. */
  differs(body: string): string | undefined;
  /** What the command does, after "only admins of this repository can" (`start a full run`). */
  action: string;
}

/**
 * The shared rule: a request naming nobody (a schedule, the operator's CLI) is allowed; any
 * that names a requester or a comment runs only once GitHub's copy of the comment still asks
 * for it and its author is an admin of the config repo.
 */
export async function authorizeComment(client: GitHubClient, ref: RepoRef, request: CommandRequest, isConfigRepo: boolean, check: CommandCheck): Promise<FullRunAuthorization> {
  // Even a scheduled run: a repo the admin took off CONVERGE_CONFIG_REPO keeps its schedule
  // until it is removed, and other config repos no longer count its claims, so it must not run.
  if (!isConfigRepo) return refused('unverified', 'the repository is not a config repo (CONVERGE_CONFIG_REPO)');
  // Scheduled runs and the operator's CLI name nobody; anything that names a requester or a comment is checked.
  if (request.commentId === undefined && request.requestedBy === undefined && request.requestedIn === undefined) return { allowed: true };
  if (request.commentId === undefined) return refused('unverified', 'the request names no comment, so who asked cannot be confirmed');

  const fetched = await ask(() => fetchComment(client, ref, request.commentId!), 'the comment that asked could not be read');
  if ('failed' in fetched) {
    return refused('unverified', fetched.status === 404 ? 'the comment that asked for it no longer exists' : fetched.failed);
  }
  const comment = fetched.ok;
  const replyIn = comment.issueNumber;
  const differs = check.differs(comment.body);
  if (differs) return refused('unverified', differs, replyIn);
  const author = comment.author;
  if (!author) return refused('unverified', 'the comment has no known author (a deleted account)', replyIn);

  const permission = await ask(() => repositoryPermission(client, ref, author), `the permission of @${author} could not be checked`);
  if ('failed' in permission) return refused('unverified', permission.failed, replyIn);
  if (permission.ok !== 'admin') {
    return refused('not-admin', `@${author} only admins of this repository can ${check.action}`, replyIn);
  }
  return { allowed: true, requester: author, ...(replyIn ? { replyIn } : {}) };
}

const fullRunCheck = (job: FullRunJob): CommandCheck => ({
  action: 'start a full run',
  differs(body) {
    const command = parseFullRunCommand(body);
    if (!command) return 'the comment no longer asks for a full run';
    if (command.allowDeletions !== (job.overrideMaxDeletions === true)) return 'the comment no longer asks for this run (`--allow-deletions` differs)';
    if (command.allowUpdates !== (job.overrideMaxUpdates === true)) return 'the comment no longer asks for this run (`--allow-updates` differs)';
    return undefined;
  },
});

/** Posts a refusal where GitHub says the comment is (else where the job says); never @-mentions the webhook's login. */
async function answerRefusal(client: GitHubClient, ref: RepoRef, decision: Extract<FullRunAuthorization, { allowed: false }>, requestedIn: number | undefined, isConfigRepo: boolean, otherwise: (why: string) => string): Promise<void> {
  const where = decision.replyIn ?? requestedIn;
  if (where === undefined || !isConfigRepo) return;
  await commentOn(client, ref, where, decision.skipped === 'not-admin' ? `${decision.why}.` : otherwise(decision.why));
}

/**
 * `/converge adopt <key>`: allowed only for an admin whose comment, as GitHub has it now,
 * still asks to adopt that key; refused requests are answered like a full run's.
 */
export async function authorizeAdopt(client: GitHubClient, ref: RepoRef, job: AdoptJob, configRepo: string): Promise<FullRunAuthorization> {
  const isConfigRepo = configRepos(configRepo).matches(job.repo);
  const decision = await authorizeComment(client, ref, { commentId: job.commentId, requestedBy: job.requestedBy, requestedIn: job.requestedIn }, isConfigRepo, {
    action: 'adopt drift into the configuration',
    differs: (body) => {
      const key = parseAdoptCommand(body);
      if (!key) return 'the comment no longer asks to adopt anything';
      return key === job.key ? undefined : `the comment no longer asks to adopt ${job.key}`;
    },
  });
  if (decision.allowed) return decision;
  await answerRefusal(client, ref, decision, job.requestedIn, isConfigRepo, (why) => `Converge did not adopt \`${job.key}\`: ${why}. Only admins of this repository can adopt drift; comment \`/converge adopt ${job.key}\` again to retry.`);
  return decision;
}

/**
 * Allowed, with the confirmed requester and where to answer; or refused, in which case the
 * reason is posted where GitHub says the comment is (else where the job says), when possible.
 */
export async function authorizeFullRun(client: GitHubClient, ref: RepoRef, job: FullRunJob, configRepo: string): Promise<FullRunAuthorization> {
  const isConfigRepo = configRepos(configRepo).matches(job.repo);
  const decision = await authorizeComment(client, ref, job, isConfigRepo, fullRunCheck(job));
  if (decision.allowed) return decision;
  await answerRefusal(
    client,
    ref,
    decision,
    job.requestedIn,
    isConfigRepo,
    (why) => `Converge did not start a full run: ${why}. Only admins of this repository can start one; comment \`/converge full-run\` again to retry.`,
  );
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
