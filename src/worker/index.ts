import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { ConvergeError } from '../core/errors.js';
import { toGitHubError } from '../providers/github/errors.js';
import type { RedisConnection } from '../queue/connection.js';
import { CONVERGE_QUEUE, PLAN_QUEUE, repoKey, type ConvergeJob, type FullRunJob, type PlanJob } from '../queue/jobs.js';
import { RepoLock } from '../queue/repo-lock.js';
import type { WorkerContext } from './context.js';
import { processConvergeJob } from './converge-job.js';
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
  fullRun?: (job: FullRunJob, context: WorkerContext) => Promise<unknown>;
}

/** The error's type decides: retryable errors are thrown for BullMQ to retry, others fail for good. */
function classify(thrown: unknown): unknown {
  if (thrown instanceof DelayedError || thrown instanceof UnrecoverableError) return thrown;
  // The app's own GitHub calls (snapshots, check runs) throw Octokit errors: type them first.
  const error = thrown instanceof ConvergeError ? thrown : toGitHubError(thrown, undefined, 'read');
  return error.retryable ? error : new UnrecoverableError(error.message);
}

export interface RunningWorkers {
  plan: Worker<PlanJob>;
  converge: Worker<ConvergeJob | FullRunJob>;
  close(): Promise<void>;
}

export function startWorkers(context: WorkerContext, options: WorkerOptions): RunningWorkers {
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
    async (job) => {
      try {
        return await processPlanJob(job.data, context, {
          remember: (checkRunId) => job.updateData({ ...job.data, checkRunId }),
          finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        });
      } catch (error) {
        throw classify(error);
      }
    },
    common,
  );

  const converge = new Worker<ConvergeJob | FullRunJob>(
    CONVERGE_QUEUE,
    async (job: Job<ConvergeJob | FullRunJob>, token?: string) => {
      const release = await lock.acquire(repoKey(job.data));
      if (!release) {
        // Another convergence or full run of this config repo is running: wait, don't fail.
        await job.moveToDelayed(Date.now() + (options.busyRetryMs ?? 2000), token);
        throw new DelayedError();
      }
      try {
        if (job.name === 'full-run') {
          if (!options.fullRun) throw new UnrecoverableError('full runs are not enabled in this worker');
          return await options.fullRun(job.data as FullRunJob, context);
        }
        return await processConvergeJob(job.data as ConvergeJob, context);
      } catch (error) {
        throw classify(error);
      } finally {
        await release();
      }
    },
    common,
  );

  for (const worker of [plan, converge]) {
    worker.on('failed', (job, error) => context.log.warn({ queue: worker.name, jobId: job?.id, err: error }, 'job failed'));
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
