import type { RedisConnection } from './connection.js';
import { repoKey, type RepoJob } from './jobs.js';

/** Who changed a resource, when, and where: what one event says about one resource key. */
export interface DriftMark {
  sender: string;
  /** ISO 8601. */
  at: string;
  url?: string;
  event: string;
}

/**
 * The resource keys events marked for one config repo's next drift job, in a Redis hash under
 * `<prefix>:drift-marks:<owner>/<repo>` (the prefix's hash tag keeps it in the queue's slot on
 * a cluster). A later event on the same key replaces the earlier mark: the job reports the
 * last change. The job drains the hash atomically, so an event that lands while it runs is
 * kept for the next job.
 */
export class DriftMarks {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private key(job: RepoJob): string {
    return `${this.prefix}:drift-marks:${repoKey(job)}`;
  }

  async add(job: RepoJob, keys: readonly string[], mark: DriftMark): Promise<void> {
    if (keys.length === 0) return;
    const value = JSON.stringify(mark);
    // A day: marks no job drained (no worker ran) are left to the full run.
    await this.redis.multi().hset(this.key(job), ...keys.flatMap((k) => [k, value])).expire(this.key(job), 86_400).exec();
  }

  async drain(job: RepoJob): Promise<Map<string, DriftMark>> {
    const result = await this.redis.multi().hgetall(this.key(job)).del(this.key(job)).exec();
    const raw = (result?.[0]?.[1] ?? {}) as Record<string, string>;
    const marks = new Map<string, DriftMark>();
    for (const [key, value] of Object.entries(raw)) {
      try {
        marks.set(key, JSON.parse(value) as DriftMark);
      } catch {
        // Not ours: the key is still re-read, unattributed.
        marks.set(key, { sender: '', at: new Date(0).toISOString(), event: 'unknown' });
      }
    }
    return marks;
  }
}

/**
 * How many times the drift job reverted one resource within the hour: `<prefix>:drift-reverts:
 * <owner>/<repo>:<key>`, a counter whose hour starts at its first revert. Past the limit the
 * job stops reverting it and reports it instead: something else keeps changing it back.
 */
export class RevertCounter {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private key(job: RepoJob, resource: string): string {
    return `${this.prefix}:drift-reverts:${repoKey(job)}:${resource}`;
  }

  async count(job: RepoJob, resource: string): Promise<number> {
    return Number((await this.redis.get(this.key(job, resource))) ?? 0);
  }

  async record(job: RepoJob, resource: string): Promise<void> {
    await this.redis.multi().incr(this.key(job, resource)).expire(this.key(job, resource), 3600, 'NX').exec();
  }
}
