import type { ApplicationFunction, Context } from 'probot';
import type { Queues } from '../queue/queues.js';
import type { RepoJob } from '../queue/jobs.js';
import type { AppEnv } from '../env/app-env.js';
import { configRepos } from '../env/config-repos.js';
import { appGitHubError } from '../github-app/index.js';
import { parseCommentCommand, usageText } from './commands.js';
import { driftHandler } from './drift-handler.js';
import {
  CheckRunEvent,
  CheckSuiteEvent,
  ConfigRepoEvent,
  Envelope,
  InstallationEvent,
  IssueCommentEvent,
  parsePayload,
  PullRequestEvent,
  PullRequestReviewEvent,
  PushEvent,
  type CheckPull,
} from './payload.js';

export { InvalidPayloadError } from './payload.js';

/** What became of one delivery, for logs and metrics: a job was enqueued, or why not. */
export interface DeliveryOutcome {
  outcome: 'enqueued' | 'ignored';
  reason: string;
}

export interface AppOptions {
  queues: Queues;
  env: AppEnv;
  /**
   * Called exactly once for every delivery whose handling did not throw. A delivery that
   * throws (an InvalidPayloadError, an enqueue failure) gets no outcome: the error is its answer.
   */
  onOutcome?(deliveryId: string, event: string, outcome: DeliveryOutcome): void;
  /** The app's slug, so the echo of its own writes is ignored (see drift-handler.ts). */
  appSlug?: () => Promise<string | undefined>;
  /** The clock drift marks are dated by when an event carries no time of its own. */
  now?: () => Date;
}

type ConfigRepo = Envelope['repository'] & ConfigRepoEvent['repository'];
type Handler = (context: Context, repo: ConfigRepo, job: RepoJob) => Promise<DeliveryOutcome>;

const enqueued = (reason: string): DeliveryOutcome => ({ outcome: 'enqueued', reason });
const ignored = (reason: string): DeliveryOutcome => ({ outcome: 'ignored', reason });

/** A PR whose head is not the config repo itself: a fork, or a fork since deleted. */
const fromFork = (head: { repo: { id: number } | null }, repoId: number) => head.repo === null || head.repo.id !== repoId;

/**
 * Webhook handlers: verify (Probot checks the signature before any handler runs), filter to
 * the config repos the admin named, validate the fields used, enqueue, return. All real work
 * (and every authorization decision) happens in workers; the only GitHub calls a handler makes
 * acknowledge a `/converge` comment (a reaction, and the usage text for an unknown command).
 * An enqueue or reply failure propagates, so the webhook answers 5xx and can be redelivered.
 */
export function convergeApp({ queues, env, onOutcome, appSlug, now }: AppOptions): ApplicationFunction {
  const configRepoNames = configRepos(env.CONVERGE_CONFIG_REPO);
  const isConfigRepo = (repo: Envelope['repository']) => configRepoNames.matches(repo.name);
  const onDrift = driftHandler({ queues, configRepos: configRepoNames, debounceMs: env.CONVERGE_DRIFT_DEBOUNCE_MS, ...(appSlug ? { appSlug } : {}), ...(now ? { now } : {}) });

  const onPullRequest: Handler = async (context, repo, job) => {
    const { pull_request: pr } = parsePayload(context.name, PullRequestEvent, context.payload);
    // Only PRs into the default branch can ever converge, so only they get a plan.
    if (pr.base.ref !== repo.default_branch) return ignored('not the default branch');
    await queues.enqueuePlan({ ...job, pullNumber: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, fromFork: fromFork(pr.head, repo.id) });
    return enqueued('plan');
  };

  // A review can change who approved: the plan check is re-gated from what it stored, never re-planned.
  const onReview: Handler = async (context, repo, job) => {
    const { action } = context.payload as { action?: string };
    const { review, pull_request: pr } = parsePayload(context.name, PullRequestReviewEvent, context.payload);
    if (pr.base.ref !== repo.default_branch) return ignored('not the default branch');
    // A comment is no verdict: it changes no approval.
    if (action === 'submitted' && review.state.toLowerCase() === 'commented') return ignored('a comment review');
    await queues.enqueueApprovals({ ...job, pullNumber: pr.number });
    return enqueued('approval check');
  };

  const replan = async (context: Context, repo: ConfigRepo, job: RepoJob, headSha: string, pulls: CheckPull[]) => {
    let count = 0;
    for (const pr of pulls) {
      if (pr.base.ref !== repo.default_branch) continue;
      // The delivery id makes a re-run a new job even for a head that was planned before.
      await queues.enqueuePlan({ ...job, pullNumber: pr.number, headSha, baseSha: pr.base.sha, fromFork: fromFork(pr.head, repo.id) }, context.id);
      count++;
    }
    return count;
  };

  const onCheckRun: Handler = async (context, repo, job) => {
    const { check_run: run } = parsePayload(context.name, CheckRunEvent, context.payload);
    if (run.name === env.CONVERGE_PLAN_CHECK_NAME) {
      const count = await replan(context, repo, job, run.head_sha, run.pull_requests);
      return count > 0 ? enqueued(`plan for ${count} PR${count === 1 ? '' : 's'}`) : ignored('no PR into the default branch');
    }
    if (run.name === env.CONVERGE_APPLY_CHECK_NAME) {
      await queues.enqueueConverge({ ...job, afterSha: run.head_sha });
      return enqueued('convergence');
    }
    return ignored('not a Converge check');
  };

  const onCheckSuite: Handler = async (context, repo, job) => {
    const { check_suite: suite } = parsePayload(context.name, CheckSuiteEvent, context.payload);
    const count = await replan(context, repo, job, suite.head_sha, suite.pull_requests);
    const onDefault = suite.head_branch === repo.default_branch;
    if (onDefault) await queues.enqueueConverge({ ...job, afterSha: suite.head_sha });
    const what = [...(count > 0 ? [`plan for ${count} PR${count === 1 ? '' : 's'}`] : []), ...(onDefault ? ['convergence'] : [])];
    return what.length > 0 ? enqueued(what.join(' and ')) : ignored('no PR into the default branch and not the default branch');
  };

  // A comment with a line starting `/converge`, in an issue or PR of the config repo, is
  // acknowledged at once with a reaction; one Converge does not know gets the usage text.
  // `/converge full-run` and `/converge adopt <key>` are enqueued with the comment id: the worker
  // re-reads the comment from GitHub, checks that its author is an admin, and replies when it refuses.
  const onComment: Handler = async (context, _repo, job) => {
    const { comment, issue, sender } = parsePayload(context.name, IssueCommentEvent, context.payload);
    const command = parseCommentCommand(comment.body);
    if (!command) return ignored('no /converge command');
    // Apps' comments never command Converge: its own replies quote the commands.
    if (sender.type === 'Bot') return ignored('comment by an app');
    const where = { owner: job.owner, repo: job.repo };
    // A courtesy: the command runs (or is answered) whether or not GitHub takes the reaction.
    await context.octokit.rest.reactions
      .createForIssueComment({ ...where, comment_id: comment.id, content: 'eyes' })
      .catch((error: unknown) => context.log.warn({ err: appGitHubError(error, 'write') }, 'could not react to the /converge comment'));
    if (command.kind === 'unknown') {
      await context.octokit.rest.issues.createComment({ ...where, issue_number: issue.number, body: usageText(command) });
      return ignored('unknown /converge command');
    }
    if (command.kind === 'adopt') {
      await queues.enqueueAdopt({ ...job, key: command.key, commentId: comment.id, ...(comment.user ? { requestedBy: comment.user.login } : {}), requestedIn: issue.number });
      return enqueued('adopt request');
    }
    await queues.enqueueFullRun({
      ...job,
      reason: 'manual',
      commentId: comment.id,
      ...(comment.user ? { requestedBy: comment.user.login } : {}),
      requestedIn: issue.number,
      ...(command.allowDeletions ? { overrideMaxDeletions: true } : {}),
      ...(command.allowUpdates ? { overrideMaxUpdates: true } : {}),
    });
    return enqueued('full run request');
  };

  const onPush: Handler = async (context, repo, job) => {
    const push = parsePayload(context.name, PushEvent, context.payload);
    if (push.deleted) return ignored('branch deleted');
    if (push.ref !== `refs/heads/${repo.default_branch}`) return ignored('not the default branch');
    await queues.enqueueConverge({ ...job, afterSha: push.after });
    return enqueued('convergence');
  };

  // A config repo created after the app was installed: the onboarding check, as on install.
  const onRepositoryCreated: Handler = async (_context, _repo, job) => {
    await queues.enqueueOnboarding({ ...job, reason: 'created' });
    return enqueued('onboarding check');
  };

  const handlers: Record<string, Handler> = {
    'pull_request.opened': onPullRequest,
    'pull_request.synchronize': onPullRequest,
    'pull_request.reopened': onPullRequest,
    'pull_request_review.submitted': onReview,
    'pull_request_review.edited': onReview,
    'pull_request_review.dismissed': onReview,
    'check_run.rerequested': onCheckRun,
    'check_suite.rerequested': onCheckSuite,
    'issue_comment.created': onComment,
    'repository.created': onRepositoryCreated,
    push: onPush,
  };

  /**
   * The app was installed, or given more repositories: each config repo among them gets the
   * onboarding check (the worker opens a PR only where converge.yml is missing, and only once).
   * An installation event lists the repositories it covers; without that list, the config
   * repos named literally in CONVERGE_CONFIG_REPO are checked.
   */
  const onInstallation = async (context: Context): Promise<DeliveryOutcome> => {
    const event = parsePayload(context.name, InstallationEvent, context.payload);
    const listed = event.repositories_added ?? event.repositories;
    const names = listed ? listed.map((r) => r.name).filter((name) => configRepoNames.matches(name)) : (configRepoNames.names ?? []);
    for (const repo of names) {
      await queues.enqueueOnboarding({ installationId: event.installation.id, owner: event.installation.account.login, repo, reason: 'installed' });
    }
    return names.length > 0 ? enqueued(`onboarding check of ${names.join(', ')}`) : ignored('no config repo among the repositories');
  };

  const installationHandlers: Record<string, (context: Context) => Promise<DeliveryOutcome>> = {
    'installation.created': onInstallation,
    'installation_repositories.added': onInstallation,
  };

  async function handle(context: Context): Promise<DeliveryOutcome> {
    const payload: unknown = context.payload;
    const action = typeof payload === 'object' && payload !== null && 'action' in payload && typeof payload.action === 'string' ? payload.action : undefined;
    const name = action === undefined ? context.name : `${context.name}.${action}`;
    const forInstallation = installationHandlers[name];
    if (forInstallation) return forInstallation(context);
    const drift = action === undefined ? undefined : await onDrift(context, context.name, action);
    if (drift) return drift;
    const handler = handlers[name];
    if (!handler) return ignored(`${name} is not handled`);
    // Filter on the repository first, so other repositories' deliveries cost no deeper validation.
    const { repository } = parsePayload(context.name, Envelope, payload);
    if (!isConfigRepo(repository)) return ignored('not the config repo');
    const config = parsePayload(context.name, ConfigRepoEvent, payload);
    const [owner] = repository.full_name.split('/') as [string];
    const job: RepoJob = { installationId: config.installation.id, owner, repo: repository.name };
    return handler(context, { ...repository, ...config.repository }, job);
  }

  return (app) => {
    app.onAny(async (context) => {
      const outcome = await handle(context as Context);
      onOutcome?.(context.id, context.name, outcome);
    });
  };
}
