import type { LiveRecord, LiveRecordStore } from '../providers/github/index.js';
import type { RedisConnection } from './connection.js';
import { OrgActivity } from './org-activity.js';

/** Records outlive any sensible reuse age; an org no full run reads any more is forgotten. */
const KEEP_SECONDS = 30 * 86_400;

/**
 * The github provider's live records in Redis, shared by every worker process: one hash per
 * org and set of kinds, `<prefix>:live:<org>:<kinds>`, a field per repository node id holding
 * its record as JSON (about 1 KB for a repository with ten labels). Which repositories changed
 * since is `OrgActivity`'s, which the web process feeds from GitHub's events.
 */
export class RedisLiveRecords implements LiveRecordStore {
  private readonly activity: OrgActivity;

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {
    this.activity = new OrgActivity(redis, prefix);
  }

  private key(org: string, kinds: string): string {
    return `${this.prefix}:live:${org.toLowerCase()}:${kinds}`;
  }

  async load(org: string, kinds: string): Promise<Map<string, LiveRecord>> {
    const raw = await this.redis.hgetall(this.key(org, kinds));
    const records = new Map<string, LiveRecord>();
    for (const [id, value] of Object.entries(raw)) {
      try {
        const record = JSON.parse(value) as LiveRecord;
        if (record.id === id && Array.isArray(record.resources)) records.set(id, record);
      } catch {
        // Unreadable: that repository is read again, and its record replaced.
      }
    }
    return records;
  }

  async save(org: string, kinds: string, records: readonly LiveRecord[], others: { dropped: readonly string[] } | { replace: true }): Promise<void> {
    const key = this.key(org, kinds);
    const multi = this.redis.multi();
    if ('replace' in others) multi.del(key);
    else if (others.dropped.length > 0) multi.hdel(key, ...others.dropped);
    if (records.length > 0) multi.hset(key, ...records.flatMap((r) => [r.id, JSON.stringify(r)]));
    await multi.expire(key, KEEP_SECONDS).exec();
  }

  changedSince(org: string, sinceMs: number): Promise<Map<string, number>> {
    return this.activity.changedSince(org, sinceMs);
  }

  reposChanged(org: string, repos: readonly string[]): Promise<void> {
    return this.activity.reposChanged(org, repos);
  }
}
