import type { Redis, Cluster } from 'ioredis';
import type { WritePacer } from './pacer.js';

/**
 * One key per org holds the earliest time (Redis clock, ms) the next mutation may start.
 * Each acquire atomically takes the next slot and pushes the key one spacing further, so
 * every process writing for the org waits its turn without polling. Redis's own clock is
 * used so processes on hosts with skewed clocks still agree.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextAt)
local after = slot + tonumber(ARGV[1])
if after > now then
  redis.call('SET', KEYS[1], after, 'PX', after - now + 60000)
end
return slot - now
`;

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = now + tonumber(ARGV[1])
if wanted > nextAt then
  redis.call('SET', KEYS[1], wanted, 'PX', wanted - now + 60000)
end
return 0
`;

export interface RedisWritePacerOptions {
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RedisWritePacer implements WritePacer {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly redis: Redis | Cluster,
    options: RedisWritePacerOptions = {},
  ) {
    this.sleep = options.sleep ?? defaultSleep;
  }

  async acquire(key: string, spacingMs: number): Promise<void> {
    const wait = Number(await this.redis.eval(ACQUIRE, 1, key, Math.max(0, Math.round(spacingMs))));
    if (wait > 0) await this.sleep(wait);
  }

  async pause(key: string, waitMs: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, key, Math.max(0, Math.round(waitMs)));
  }
}
