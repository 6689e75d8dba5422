import type { RedisConnection } from './connection.js';

/** How long activity is remembered: longer than any full run reuses what it read. */
const KEEP_MS = 30 * 86_400_000;

/**
 * What GitHub's events said happened in an org, whoever caused it (Converge's own writes
 * included): when the last event arrived, and which repositories changed when. Full runs read
 * it to tell which repositories they may skip (a repository is re-read when an event named it
 * after the last read) and whether events are flowing at all.
 *
 * Two keys per org, in the queue's hash slot on a cluster: `<prefix>:events-seen:<org>` (the
 * last event's time, ms) and `<prefix>:repos-changed:<org>`, a sorted set of lower-cased
 * repository names scored by the last time one changed. Entries older than 30 days are trimmed
 * whenever one is added.
 */
export class OrgActivity {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private seenKey(org: string): string {
    return `${this.prefix}:events-seen:${org.toLowerCase()}`;
  }

  private changedKey(org: string): string {
    return `${this.prefix}:repos-changed:${org.toLowerCase()}`;
  }

  /** An event arrived for the org; `repos` are the repositories it names, if any. */
  async eventSeen(org: string, repos: readonly string[], atMs: number = Date.now()): Promise<void> {
    const multi = this.redis.multi().set(this.seenKey(org), String(atMs), 'PX', KEEP_MS);
    if (repos.length > 0) this.addChanged(multi, org, repos, atMs);
    await multi.exec();
  }

  /** Repositories changed by Converge itself (before each write), or by anything else the caller knows of. */
  async reposChanged(org: string, repos: readonly string[], atMs: number = Date.now()): Promise<void> {
    if (repos.length === 0) return;
    const multi = this.redis.multi();
    this.addChanged(multi, org, repos, atMs);
    await multi.exec();
  }

  private addChanged(multi: ReturnType<RedisConnection['multi']>, org: string, repos: readonly string[], atMs: number): void {
    const key = this.changedKey(org);
    multi
      .zadd(key, ...repos.flatMap((repo) => [atMs, repo.toLowerCase()]))
      .zremrangebyscore(key, '-inf', atMs - KEEP_MS)
      .pexpire(key, KEEP_MS);
  }

  /** When the last event for the org arrived (ms), or undefined when none did in 30 days. */
  async lastEventAt(org: string): Promise<number | undefined> {
    const value = await this.redis.get(this.seenKey(org));
    return value === null ? undefined : Number(value);
  }

  /** Every repository changed at or after `sinceMs`, lower-cased, with the last time it changed. */
  async changedSince(org: string, sinceMs: number): Promise<Map<string, number>> {
    const flat = await this.redis.zrangebyscore(this.changedKey(org), sinceMs, '+inf', 'WITHSCORES');
    const changed = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) changed.set(flat[i]!, Number(flat[i + 1]));
    return changed;
  }
}
