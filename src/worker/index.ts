import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisConnection } from '../queue/connection.js';
import { DriftMarks, RevertCounter } from '../queue/drift-marks.js';
import { APPROVALS_QUEUE, CONVERGE_QUEUE, PLAN_QUEUE, repoKey, type AdoptJob, type ApprovalsJob, type ConvergeJob, type DriftJob, type FullRunJob, type OnboardJob, type PlanJob } from '../queue/jobs.js';
import { RepoLock } from '../queue/repo-lock.js';
import { countChanges, driftItems, jobsTotal } from '../ops/metrics.js';
import { withRateLimitMetrics, type WorkerContext } from './context.js';
import { processAdoptJob } from './adopt-job.js';
import { processApprovalsJob } from './approvals-job.js';
import { processConvergeJob } from './converge-job.js';
import { processDriftJob } from './drift-job.js';
import type { FullRunOutcome } from './full-run-job.js';
import { classify, endWasLogged, runJob } from './job-skeleton.js';
import { processOnboardJob } from './onboard-job.js';
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
  /** Runs full runs; a worker without it fails them for good. */
  fullRun?: (job: FullRunJob, context: WorkerContext) => Promise<FullRunOutcome | undefined>;
}

export interface RunningWorkers {
  plan: Worker<PlanJob>;
  approvals: Worker<ApprovalsJob>;
  converge: Worker<ConvergeJob | FullRunJob | OnboardJob | DriftJob | AdoptJob>;
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
  // A job that failed before, or whose worker died (stalled), may have left a check run open.
  const retried = (job: Job) => job.attemptsMade > 0 || job.stalledCounter > 0;
  const lock = new RepoLock(options.connection, options.prefix, options.repoLockTtlMs);
  const drift = { marks: new DriftMarks(options.connection, options.prefix), reverts: new RevertCounter(options.connection, options.prefix) };

  const plan = new Worker<PlanJob>(
    PLAN_QUEUE,
    (job) =>
      runJob({
        type: 'plan',
        job,
        context,
        work: (bound) =>
          processPlanJob(job.data, bound, {
            remember: (checkRunId) => job.updateData({ ...job.data, checkRunId }),
            finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
            retried: retried(job),
          }),
      }),
    common,
  );

  // Reviews re-gate a plan check: no repo lock, since nothing is planned or applied.
  const approvals = new Worker<ApprovalsJob>(
    APPROVALS_QUEUE,
    (job) =>
      runJob({
        type: 'approvals',
        job,
        context,
        work: (bound) => processApprovalsJob(job.data, bound, { finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) }),
      }),
    common,
  );

  const converge = new Worker<ConvergeJob | FullRunJob | OnboardJob | DriftJob | AdoptJob>(
    CONVERGE_QUEUE,
    async (job: Job<ConvergeJob | FullRunJob | OnboardJob | DriftJob | AdoptJob>, token?: string) => {
      const type = job.name === 'full-run' ? 'full-run' : job.name === 'onboard' ? 'onboard' : job.name === 'drift' ? 'drift' : job.name === 'adopt' ? 'adopt' : 'converge';
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
          return await runJob({
            type,
            job,
            context,
            work: (bound) => fullRun(job.data as FullRunJob, bound),
            record: (outcome) => {
              if (!outcome) return;
              countChanges(outcome.reverted);
              if (!outcome.skipped) driftItems.set({ repo: repoKey(job.data) }, outcome.drifted);
            },
          });
        }
        if (type === 'onboard') return await runJob({ type, job, context, work: (bound) => processOnboardJob(job.data as OnboardJob, bound) });
        if (type === 'adopt') return await runJob({ type, job, context, work: (bound) => processAdoptJob(job.data as AdoptJob, bound) });
        if (type === 'drift') {
          return await runJob({
            type,
            job,
            context,
            work: (bound) => processDriftJob(job.data as DriftJob, bound, { ...drift, remember: (marks) => job.updateData({ ...(job.data as DriftJob), marks }) }),
            record: (outcome) => countChanges(outcome.reverted),
          });
        }
        return await runJob({
          type,
          job,
          context,
          work: (bound) =>
            processConvergeJob(job.data as ConvergeJob, bound, {
              remember: (checkRun) => job.updateData({ ...(job.data as ConvergeJob), checkRun }),
              retried: retried(job),
            }),
          record: (outcome) => countChanges(outcome.results),
        });
      } catch (error) {
        throw classify(error);
      } finally {
        await release();
      }
    },
    common,
  );

  for (const worker of [plan, approvals, converge]) {
    // Failures the processor saw are in its `job finished` line; this catches the rest (stalled too often).
    worker.on('failed', (job, error) => {
      if (endWasLogged(job)) return;
      context.log.warn({ queue: worker.name, jobId: job?.id, err: error }, 'job failed');
    });
    worker.on('stalled', (jobId) => context.log.warn({ queue: worker.name, jobId }, 'job stalled: its worker stopped renewing the lock; it runs again'));
    worker.on('error', (error) => context.log.error({ queue: worker.name, err: error }, 'worker error'));
  }

  return {
    plan,
    approvals,
    converge,
    // Closing waits for active jobs to finish; a job still running at a hard kill is re-run by stall detection.
    close: async () => {
      await Promise.all([plan.close(), approvals.close(), converge.close()]);
    },
  };
}
