/**
 * The one shape every job runs in, so that no job reports, retries or cleans up in its own
 * way. Two layers, because job processors also run outside BullMQ (the CLI, tests):
 *
 * - `runJob`, around a job taken from a queue: a logger bound to the job and repo, one
 *   `job started` and one `job finished` line with the duration, the job metrics, and the
 *   error's type deciding what BullMQ does (retried, or failed for good).
 * - `withCheckRun`, around the work a processor reports on a check run: run the work, then
 *   report its output in a check run created finished, or, once the work has run longer than
 *   SHOW_PROGRESS_AFTER_MS, in the one opened in progress meanwhile (or taken over from an
 *   earlier attempt); on failure, a redacted message; the work's provider sessions are closed
 *   whatever the end.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { ConvergeError } from '../core/errors.js';
import type { PlanRun } from '../engine/run.js';
import { githubWebUrl } from '../env/github-host.js';
import { appGitHubError, checkRunUrl, PendingCheckRun, type CheckResult, type CheckRunSpec, type GitHubClient, type RepoRef } from '../github-app/index.js';
import { jobDuration, jobsTotal, type JobOutcome, type JobType } from '../ops/metrics.js';
import type { AdoptJob, ApprovalsJob, ConvergeJob, DriftJob, FullRunJob, OnboardJob, PlanJob } from '../queue/jobs.js';
import type { WorkerContext } from './context.js';
import type { JobReport } from './job-report.js';

/** The error's type decides: retryable errors are thrown for BullMQ to retry, others fail for good. */
export function classify(thrown: unknown): unknown {
  if (thrown instanceof DelayedError || thrown instanceof UnrecoverableError) return thrown;
  // The app's own GitHub calls (snapshots, check runs) throw Octokit errors: type them first.
  const error = thrown instanceof ConvergeError ? thrown : appGitHubError(thrown);
  return error.retryable ? error : new UnrecoverableError(error.message);
}

/** Failed for good, or to be retried: what BullMQ does with the classified error. */
function failureOutcome(error: unknown, job: Job): JobOutcome {
  if (error instanceof UnrecoverableError) return 'failed';
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? 'failed' : 'retried';
}

/** Jobs whose end `runJob` logged; BullMQ's `failed` event logs only the others (stalled jobs). */
const reported = new WeakSet<Job>();

export function endWasLogged(job: Job | undefined): boolean {
  return job !== undefined && reported.has(job);
}

export interface QueuedJob<T extends JobReport | undefined> {
  type: JobType;
  job: Job<PlanJob | ApprovalsJob | ConvergeJob | FullRunJob | OnboardJob | DriftJob | AdoptJob>;
  context: WorkerContext;
  /** The job's own work; it gets the context with the logger bound to the job. */
  work(context: WorkerContext): Promise<T>;
  /** Metrics of what the job did, beyond its count and duration. */
  record?(outcome: T): void;
}

/** Runs one job taken from a queue: see the module comment. */
export async function runJob<T extends JobReport | undefined>({ type, job, context, work, record }: QueuedJob<T>): Promise<T> {
  const log = context.log.child({ jobId: job.id, job: type, repo: `${job.data.owner}/${job.data.repo}`, installation: job.data.installationId });
  const started = performance.now();
  const finish = (outcome: JobOutcome) => {
    const seconds = (performance.now() - started) / 1000;
    jobsTotal.inc({ type, outcome });
    jobDuration.observe({ type, outcome }, seconds);
    reported.add(job);
    return Math.round(seconds * 1000);
  };
  log.info({ attempt: job.attemptsMade + 1 }, 'job started');
  try {
    const result = await work({ ...context, log });
    record?.(result);
    const durationMs = finish('completed');
    const failed = result?.failed ?? [];
    const fields = { durationMs, outcome: 'completed', ...(result?.checkRunUrl ? { checkRunUrl: result.checkRunUrl } : {}) };
    if (failed.length > 0) log.warn({ ...fields, failed }, 'job finished');
    else log.info(fields, 'job finished');
    return result;
  } catch (thrown) {
    const error = classify(thrown);
    const outcome = failureOutcome(error, job);
    log.warn({ durationMs: finish(outcome), outcome, err: error }, 'job finished');
    throw error;
  }
}

/** How long a job may run before its check run is opened in progress; a faster one reports once, finished. */
export const SHOW_PROGRESS_AFTER_MS = 2_000;

/** The check run a job reports on, as its work sees it. */
export interface OpenCheckRun {
  /** Opens it in progress now, if it is not yet (to show progress on it); its id. */
  open(): Promise<number>;
  /** Hands over a plan's provider sessions: they are closed when the job ends, however it ends. */
  closeLater(run: PlanRun): PlanRun;
}

/** The check run once the job reported on it. */
export interface ReportedCheckRun {
  id: number;
  /** Its page, for logs and comments. */
  url: string;
}

/** What the work gives back: the check run's output, the job's outcome, and what follows the report. */
export interface ReportedWork<T> {
  result: CheckResult;
  outcome(checkRun: ReportedCheckRun): T;
  /** Runs once the check run is finished (a reply comment); a failure here fails the job like the work's. */
  after?(checkRun: ReportedCheckRun): Promise<void>;
}

/**
 * How a failure ends. `rethrow`: the failure is written into the check run, and the typed
 * error thrown for the queue to retry or fail for good. `complete-when-final`: a failure a
 * retry may fix, before the last attempt, is thrown with the check run left in progress (the
 * retry takes it over); any other is written into the check run and completes the job with
 * `outcome`, since nothing would come of failing it.
 */
export type FailurePolicy<T> = { mode: 'rethrow' } | { mode: 'complete-when-final'; finalAttempt: boolean; outcome(checkRun: ReportedCheckRun): T };

export interface CheckRunJob<T> {
  client: GitHubClient;
  ref: RepoRef;
  /** Where the job's links point: honours GHE_HOST. */
  processEnv: Readonly<Record<string, string | undefined>>;
  log: Logger;
  checkRun: CheckRunSpec & {
    /** Open it in progress once the job has run this long (default SHOW_PROGRESS_AFTER_MS); 0 opens it at once. */
    showProgressAfterMs?: number;
  };
  /** Told the id of a check run this attempt opened, so that a retry can take it over. */
  remember?(checkRunId: number): Promise<void>;
  failure: {
    title: string;
    /** The summary; `message` is the typed error's, already safe to show (tokens redacted). */
    summary(message: string, retryable: boolean): string;
    policy: FailurePolicy<T>;
  };
}

/** Runs a job's work on its check run: see the module comment. */
export async function withCheckRun<T>(spec: CheckRunJob<T>, work: (checkRun: OpenCheckRun) => Promise<ReportedWork<T>>): Promise<T> {
  const { client, ref, log } = spec;
  const pending = new PendingCheckRun(client, ref, spec.checkRun, async (id) => spec.remember?.(id));
  const reported = (id: number): ReportedCheckRun => ({ id, url: checkRunUrl(githubWebUrl(spec.processEnv), ref, id) });
  await pending.openAfter(spec.checkRun.showProgressAfterMs ?? SHOW_PROGRESS_AFTER_MS, (error) =>
    log.warn({ err: appGitHubError(error, 'write') }, 'could not open the check run in progress'),
  );
  const runs: PlanRun[] = [];
  const checkRun: OpenCheckRun = {
    open: () => pending.open(),
    closeLater: (run) => {
      runs.push(run);
      return run;
    },
  };
  try {
    const { result, outcome, after } = await work(checkRun);
    const finished = reported(await pending.finish(result));
    await after?.(finished);
    return outcome(finished);
  } catch (thrown) {
    // Never the raw error's text: an Octokit or transport error may carry a token or a header.
    const error = appGitHubError(thrown);
    log.warn({ err: error, code: error.code }, 'job work failed');
    const failed: CheckResult = { conclusion: 'failure', title: spec.failure.title, summary: spec.failure.summary(error.message, error.retryable) };
    const { policy } = spec.failure;
    if (policy.mode === 'rethrow') {
      // The error thrown matters more than a report that could not be written.
      await pending.finish(failed).catch((reportError: unknown) => log.warn({ err: appGitHubError(reportError) }, 'could not report the failure on the check run'));
      throw error;
    }
    if (error.retryable && !policy.finalAttempt) {
      // Shown in progress while the retry is pending; the retry takes it over.
      await pending.open().catch((openError: unknown) => log.warn({ err: appGitHubError(openError, 'write') }, 'could not open the check run in progress'));
      throw error;
    }
    // The job completes on this report, so a report that fails fails the job instead.
    return policy.outcome(reported(await pending.finish(failed)));
  } finally {
    for (const run of runs) await run.sessions.closeAll();
  }
}
