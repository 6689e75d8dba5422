import type { RedisConnection } from './connection.js';
import { repoKey, type RepoJob } from './jobs.js';

/** Longer than the longest interval (`schedule.everyDaysWithEvents`, 31 days) with room to spare. */
const KEEP_SECONDS = 60 * 86_400;

/**
 * The last full run of each config repo that finished, under `<prefix>:full-run-last:
 * <owner>/<repo>` (the prefix's hash tag keeps it in the queue's slot on a cluster): a time in
 * ms, which the full run job takes when the run started, so that a long run does not push the
 * next one back. A scheduled run on the default cron reads it to tell whether it is due while
 * events flow. Forgotten after 60 days; no record means the next run is due.
 */
export class FullRunRecord {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private key(job: RepoJob): string {
    return `${this.prefix}:full-run-last:${repoKey(job)}`;
  }

  async finished(job: RepoJob, atMs: number): Promise<void> {
    await this.redis.set(this.key(job), String(atMs), 'EX', KEEP_SECONDS);
  }

  async lastFinishedAt(job: RepoJob): Promise<number | undefined> {
    const value = await this.redis.get(this.key(job));
    if (value === null) return undefined;
    const at = Number(value);
    // Not ours: as if no run were recorded, so the next one runs.
    return Number.isFinite(at) ? at : undefined;
  }
}
