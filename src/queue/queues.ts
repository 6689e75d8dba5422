import { Queue } from 'bullmq';
import type { RedisConnection } from './connection.js';
import { DriftMarks, type DriftMark } from './drift-marks.js';
import { KnownConfigRepos } from './known-config-repos.js';
import { OrgActivity } from './org-activity.js';
import { APPROVALS_QUEUE, CONVERGE_QUEUE, PLAN_QUEUE, repoKey, type AdoptJob, type ApprovalsJob, type ConvergeJob, type DriftJob, type FullRunJob, type OnboardJob, type PlanJob } from './jobs.js';

const retained = { removeOnComplete: { count: 1000, age: 7 * 24 * 3600 }, removeOnFail: { count: 5000 } } as const;

export function fullRunDedupId(job: FullRunJob): string {
  const key = `full-run:${repoKey(job)}`;
  if (job.reason === 'schedule') return key;
  if (job.commentId !== undefined) return `${key}:comment:${job.commentId}`;
  // The operator's CLI (no comment): one waiting run per set of flags, so a plain run never hides one that lifts a limit.
  return `${key}:manual${job.overrideMaxDeletions ? ':allow-deletions' : ''}${job.overrideMaxUpdates ? ':allow-updates' : ''}${job.requestedBy ? `:by:${job.requestedBy.toLowerCase()}` : ''}`;
}

/** The producer side of the queues; what web processes (and the CLI) use. */
export class Queues {
  readonly plan: Queue<PlanJob>;
  /** Approval re-checks of plan check runs: quick, and never behind a long plan. */
  readonly approvals: Queue<ApprovalsJob>;
  readonly converge: Queue<ConvergeJob | FullRunJob | OnboardJob | AdoptJob | DriftJob>;
  private readonly driftMarks: DriftMarks;
  /** What events said happened in each org: full runs read it (org-activity.ts). */
  readonly activity: OrgActivity;
  /** Config repos matched by a pattern, as workers last listed them (known-config-repos.ts). */
  readonly configRepos: KnownConfigRepos;

  constructor(connection: RedisConnection, prefix: string) {
    this.driftMarks = new DriftMarks(connection, prefix);
    this.activity = new OrgActivity(connection, prefix);
    this.configRepos = new KnownConfigRepos(connection, prefix);
    this.plan = new Queue<PlanJob>(PLAN_QUEUE, { connection, prefix });
    this.approvals = new Queue<ApprovalsJob>(APPROVALS_QUEUE, { connection, prefix });
    this.converge = new Queue<ConvergeJob | FullRunJob | OnboardJob | AdoptJob | DriftJob>(CONVERGE_QUEUE, { connection, prefix });
  }

  /**
   * One plan per PR head: a redelivered webhook finds the same dedup id and adds nothing.
   * Re-runs pass a delivery id so they plan again.
   */
  async enqueuePlan(job: PlanJob, rerunId?: string): Promise<void> {
    const id = `plan:${repoKey(job)}#${job.pullNumber}@${job.headSha}${rerunId ? `:${rerunId}` : ''}`;
    await this.plan.add('plan', job, {
      ...retained,
      deduplication: { id },
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
    });
  }

  /**
   * At most one active and one waiting approval check per PR: a burst of reviews collapses
   * into the waiting job, which reads the reviews as they are when it runs. Attempts wait for
   * a plan still being computed (about four minutes in all) before giving up.
   */
  async enqueueApprovals(job: ApprovalsJob): Promise<void> {
    await this.approvals.add('approvals', job, {
      ...retained,
      deduplication: { id: `approvals:${repoKey(job)}#${job.pullNumber}`, keepLastIfActive: true },
      attempts: 8,
      backoff: { type: 'exponential', delay: 2000 },
    });
  }

  /**
   * At most one active and one waiting convergence per config repo: a burst of pushes
   * collapses into the waiting job, which converges to whatever head is current when it runs.
   */
  async enqueueConverge(job: ConvergeJob): Promise<void> {
    await this.converge.add('converge', job, {
      ...retained,
      deduplication: { id: `converge:${repoKey(job)}`, keepLastIfActive: true },
      attempts: 5,
      backoff: { type: 'exponential', delay: 5000 },
    });
  }

  /**
   * Scheduled runs of a config repo collapse into one waiting run. Requests never do: each
   * comment is its own job (its id is the deduplication id, so only a redelivery of the same
   * comment collapses), because each is authorized on its own. Otherwise a waiting request
   * from someone who is refused would swallow an admin's later `--allow-deletions`.
   */
  async enqueueFullRun(job: FullRunJob): Promise<void> {
    await this.converge.add('full-run', job, {
      ...retained,
      deduplication: { id: fullRunDedupId(job), keepLastIfActive: job.reason === 'schedule' },
      attempts: 3,
      backoff: { type: 'exponential', delay: 30_000 },
    });
  }

  /**
   * The onboarding PR of a config repo, in the converge queue so it never runs beside a
   * convergence of the same repo. Automatic triggers (install, creation, an empty push)
   * collapse into one waiting job; an operator's request is its own.
   */
  async enqueueOnboarding(job: OnboardJob): Promise<void> {
    await this.converge.add('onboard', job, {
      ...retained,
      deduplication: { id: `onboard:${repoKey(job)}${job.reason === 'manual' ? ':manual' : ''}` },
      attempts: 3,
      backoff: { type: 'exponential', delay: 30_000 },
    });
  }

  /**
   * Marks resources an event says were changed, and makes sure a drift job of the config repo
   * runs `debounceMs` from now (the first event of a burst starts the window). Every event in
   * the window adds its keys to the marks and finds that job waiting: one job per config repo
   * per window, whatever the burst. An event while the job runs gets one more job after it.
   */
  async enqueueDrift(job: DriftJob, keys: readonly string[], mark: DriftMark, debounceMs: number): Promise<void> {
    await this.driftMarks.add(job, keys, mark);
    await this.converge.add('drift', job, {
      ...retained,
      delay: debounceMs,
      deduplication: { id: `drift:${repoKey(job)}`, keepLastIfActive: true },
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
    });
  }

  /**
   * An adopt request, in the converge queue so it never edits the config repo beside a
   * convergence or full run of it. Each comment is its own job (authorized on its own); a
   * redelivery of the same comment adds nothing.
   */
  async enqueueAdopt(job: AdoptJob): Promise<void> {
    await this.converge.add('adopt', job, {
      ...retained,
      deduplication: { id: `adopt:${repoKey(job)}:comment:${job.commentId}` },
      attempts: 3,
      backoff: { type: 'exponential', delay: 30_000 },
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.plan.close(), this.approvals.close(), this.converge.close()]);
  }
}
