import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './connection.js';

/**
 * A per-config-repo mutex in Redis, so convergence and full runs of one config repo never
 * overlap, whichever worker process runs them. The lock expires on its own if its holder
 * dies (SIGKILL), and is renewed while the holder works.
 */
export class RepoLock {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly ttlMs = 30_000,
  ) {}

  private key(repo: string): string {
    return `${this.prefix}:lock:${repo}`;
  }

  /** Returns a release function, or undefined when another run holds the lock. */
  async acquire(repo: string): Promise<(() => Promise<void>) | undefined> {
    const key = this.key(repo);
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    const renew = setInterval(() => {
      void this.redis
        .eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0", 1, key, token, this.ttlMs)
        .catch(() => undefined);
    }, Math.max(100, Math.floor(this.ttlMs / 3)));
    renew.unref();
    return async () => {
      clearInterval(renew);
      await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, key, token);
    };
  }
}
