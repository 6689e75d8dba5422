import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { RepoConfig } from '../config/schema.js';
import { repoKey, type ConvergeJob, type FullRunJob, type RepoJob } from './jobs.js';

/** A daily cron at a minute and hour derived from the repo's name, so installs don't all run at once. */
export function jitteredDailyCron(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return `${digest[0]! % 60} ${digest[1]! % 24} * * *`;
}

export function fullRunCron(job: RepoJob, config: RepoConfig): string {
  return config.schedule.fullRun ?? jitteredDailyCron(repoKey(job));
}

/**
 * Keep the config repo's full-run job scheduler in line with its converge.yml. Upserting the
 * same scheduler is idempotent, so every convergence can call this.
 */
export async function syncSchedule(queue: Queue<ConvergeJob | FullRunJob>, job: RepoJob, config: RepoConfig): Promise<void> {
  const id = `full-run:${repoKey(job)}`;
  if (!config.schedule.enabled) {
    await queue.removeJobScheduler(id);
    return;
  }
  const data: FullRunJob = {
    installationId: job.installationId,
    owner: job.owner,
    repo: job.repo,
    reason: 'schedule',
    // Only the default cron may be thinned out while events flow; a cron the admin wrote runs as written.
    ...(config.schedule.fullRun === undefined ? { defaultSchedule: { everyDaysWithEvents: config.schedule.everyDaysWithEvents } } : {}),
  };
  await queue.upsertJobScheduler(id, { pattern: fullRunCron(job, config), tz: 'UTC' }, { name: 'full-run', data });
}
