import type { DeliveryCheckpointStore } from '../github-app/redeliver.js';
import type { RedisConnection } from './connection.js';

/**
 * The newest webhook delivery the web process already looked at on start (redeliver.ts), as
 * epoch milliseconds under `<prefix>:deliveries-checked-until` (the prefix's hash tag keeps it
 * in the queue's slot on a cluster), shared by every web process. It only moves forward: a
 * process that finishes a slower, older pass after another cannot set it back.
 */
export class DeliveryCheckpoint implements DeliveryCheckpointStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:deliveries-checked-until`;
  }

  /** One pass at a time across web processes: the claim lapses after `ttlMs` (a process that died holding it). */
  async claim(ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = `${this.prefix}:deliveries-pass`;
    const token = `${process.pid}:${Date.now()}:${Math.random()}`;
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    // Released only by its holder: a claim that lapsed and was taken by another stays theirs.
    return async () => {
      await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end return 0", 1, key, token);
    };
  }

  async read(): Promise<Date | undefined> {
    const raw = await this.redis.get(this.key);
    const ms = Number(raw);
    // Not ours (or unset): as if there were none, so the pass covers all GitHub keeps.
    return raw !== null && Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
  }

  async write(at: Date): Promise<void> {
    await this.redis.eval(
      "local current = tonumber(redis.call('get', KEYS[1])) if not current or current < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end return 0",
      1,
      this.key,
      String(at.getTime()),
    );
  }
}
