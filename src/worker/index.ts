import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { ConvergeError } from '../core/errors.js';
import { toGitHubError } from '../providers/github/errors.js';
import type { RedisConnection } from '../queue/connection.js';
import { CONVERGE_QUEUE, PLAN_QUEUE, repoKey, type ConvergeJob, type FullRunJob, type PlanJob } from '../queue/jobs.js';
import { RepoLock } from '../queue/repo-lock.js';
import { countChanges, driftItems, jobDuration, jobsTotal, type JobOutcome, type JobType } from '../ops/metrics.js';
import { withRateLimitMetrics, type WorkerContext } from './context.js';
import { processConvergeJob, type ConvergeOutcome } from './converge-job.js';
import type { FullRunOutcome } from './full-run-job.js';
import type { JobReport } from './job-report.js';
import { processPlanJob } from './plan-job.js';

export interface WorkerOptions {
  connection: RedisConnection;
  prefix: string;
  concurrency: number;
  /** How long a job's lock lives without renewal; a killed worker's job is re-run after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  repoLockTtlMs?: number;
  /** Wait before retrying a job whose config repo is busy. */
  busyRetryMs?: number;
  /** Full runs (issue: scheduled reconciliation) plug in here. */
  fullRun?: (job: FullRunJob, context: WorkerContext) => Promise<FullRunOutcome | undefined>;
}

/** The error's type decides: retryable errors are thrown for BullMQ to retry, others fail for good. */
function classify(thrown: unknown): unknown {
  if (thrown instanceof DelayedError || thrown instanceof UnrecoverableError) return thrown;
  // The app's own GitHub calls (snapshots, check runs) throw Octokit errors: type them first.
  const error = thrown instanceof ConvergeError ? thrown : toGitHubError(thrown, undefined, 'read');
  return error.retryable ? error : new UnrecoverableError(error.message);
}

/** Failed for good, or to be retried: what BullMQ does with the classified error. */
function failureOutcome(error: unknown, job: Job): JobOutcome {
  if (error instanceof UnrecoverableError) return 'failed';
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? 'failed' : 'retried';
}

/** Jobs whose end the processor logged; BullMQ's `failed` event logs only the others (stalled jobs). */
const reported = new WeakSet<Job>();

/**
 * Runs one job with its logger bound to the job and repo, one `job started` and one
 * `job finished` line, and the job metrics. `work` gets the bound context.
 */
async function instrumented<T extends JobReport | undefined>(
  type: JobType,
  job: Job<PlanJob | ConvergeJob | FullRunJob>,
  context: WorkerContext,
  work: (context: WorkerContext) => Promise<T>,
): Promise<T> {
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

export interface RunningWorkers {
  plan: Worker<PlanJob>;
  converge: Worker<ConvergeJob | FullRunJob>;
  close(): Promise<void>;
}

export function startWorkers(processContext: WorkerContext, options: WorkerOptions): RunningWorkers {
  const context = withRateLimitMetrics(processContext);
  const common = {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: 3,
  };
  const lock = new RepoLock(options.connection, options.prefix, options.repoLockTtlMs);

  const plan = new Worker<PlanJob>(
    PLAN_QUEUE,
    (job) =>
      instrumented('plan', job, context, (bound) =>
        processPlanJob(job.data, bound, {
          remember: (checkRunId) => job.updateData({ ...job.data, checkRunId }),
          finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        }),
      ),
    common,
  );

  const converge = new Worker<ConvergeJob | FullRunJob>(
    CONVERGE_QUEUE,
    async (job: Job<ConvergeJob | FullRunJob>, token?: string) => {
      const type = job.name === 'full-run' ? 'full-run' : 'converge';
      const release = await lock.acquire(repoKey(job.data));
      if (!release) {
        // Another convergence or full run of this config repo is running: wait, don't fail.
        // Not a start: a busy repo retries every few seconds, and would flood the log.
        jobsTotal.inc({ type, outcome: 'delayed' });
        context.log.debug({ jobId: job.id, job: type, repo: repoKey(job.data) }, 'job delayed: its config repo is busy');
        await job.moveToDelayed(Date.now() + (options.busyRetryMs ?? 2000), token);
        throw new DelayedError();
      }
      try {
        if (type === 'full-run') {
          const fullRun = options.fullRun;
          if (!fullRun) throw new UnrecoverableError('full runs are not enabled in this worker');
          const outcome = await instrumented(type, job, context, (bound) => fullRun(job.data as FullRunJob, bound));
          if (outcome) {
            countChanges(outcome.reverted);
            if (!outcome.skipped) driftItems.set({ repo: repoKey(job.data) }, outcome.drifted);
          }
          return outcome;
        }
        const outcome: ConvergeOutcome = await instrumented(type, job, context, (bound) =>
          processConvergeJob(job.data as ConvergeJob, bound, { remember: (checkRun) => job.updateData({ ...(job.data as ConvergeJob), checkRun }) }),
        );
        countChanges(outcome.results);
        return outcome;
      } catch (error) {
        throw classify(error);
      } finally {
        await release();
      }
    },
    common,
  );

  for (const worker of [plan, converge]) {
    // Failures the processor saw are in its `job finished` line; this catches the rest (stalled too often).
    worker.on('failed', (job, error) => {
      if (job && reported.has(job)) return;
      context.log.warn({ queue: worker.name, jobId: job?.id, err: error }, 'job failed');
    });
    worker.on('stalled', (jobId) => context.log.warn({ queue: worker.name, jobId }, 'job stalled: its worker stopped renewing the lock; it runs again'));
    worker.on('error', (error) => context.log.error({ queue: worker.name, err: error }, 'worker error'));
  }

  return {
    plan,
    converge,
    // Closing waits for active jobs to finish; a job still running at a hard kill is re-run by stall detection.
    close: async () => {
      await Promise.all([plan.close(), converge.close()]);
    },
  };
}
