import { randomUUID } from 'node:crypto';
import type { Redis, Cluster } from 'ioredis';
import { GITHUB_WRITE_LIMITS, paceKeys, writeBudget, type WriteLimits, type WritePacer, type WriteTarget } from './pacer.js';

/**
 * `reserveSlot` (pacer.ts), run atomically in Redis so every process writing for an org takes
 * its slot from the same budgets. Times are Redis's own clock (ms), so processes on hosts with
 * skewed clocks still agree. Each time key expires a minute after it stops mattering; the
 * content window (a sorted set of start times) expires with its last entry.
 *
 * KEYS: next, endpoint, content, content-window (all under one hash tag).
 * ARGV: spacing, endpoint interval (0: no budget), creates content (1/0), content interval,
 *       window limit, window ms, a unique member for the window, endpoint burst ms, content burst ms.
 * The endpoint and content keys hold each bucket's steady schedule (GCRA), as in pacer.ts.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local endpointInterval = tonumber(ARGV[2])
local content = ARGV[3] == '1'
local function at(key) return tonumber(redis.call('GET', key) or '0') end
local function book(key, value)
  if value > now then redis.call('SET', key, value, 'PX', value - now + 60000) end
end
local slot = math.max(now, at(KEYS[1]))
if endpointInterval > 0 then
  local endpointAt = at(KEYS[2])
  slot = math.max(slot, endpointAt - tonumber(ARGV[8]))
  local contentAt = 0
  if content then
    local limit = tonumber(ARGV[5])
    local window = tonumber(ARGV[6])
    contentAt = at(KEYS[3])
    slot = math.max(slot, contentAt - tonumber(ARGV[9]))
    redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
    local n = redis.call('ZCARD', KEYS[4])
    if n >= limit then
      local oldest = redis.call('ZRANGE', KEYS[4], n - limit, n - limit, 'WITHSCORES')
      slot = math.max(slot, tonumber(oldest[2]) + window)
    end
    book(KEYS[3], math.max(contentAt, slot) + tonumber(ARGV[4]))
    redis.call('ZADD', KEYS[4], slot, ARGV[7])
    redis.call('PEXPIRE', KEYS[4], slot - now + window + 60000)
  end
  book(KEYS[2], math.max(endpointAt, slot) + endpointInterval)
end
if spacing > 0 then book(KEYS[1], slot + spacing) end
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
  limits?: Partial<WriteLimits>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The one write pacing of every shipped process: budgets and pauses shared through Redis. */
export class RedisWritePacer implements WritePacer {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly limits: WriteLimits;

  constructor(
    private readonly redis: Redis | Cluster,
    options: RedisWritePacerOptions = {},
  ) {
    this.sleep = options.sleep ?? defaultSleep;
    this.limits = { ...GITHUB_WRITE_LIMITS, ...options.limits };
  }

  async acquire(key: string, spacingMs: number, write?: WriteTarget): Promise<void> {
    const keys = paceKeys(key, write?.endpoint ?? '');
    const budget = write && writeBudget(write, this.limits);
    const wait = Number(
      await this.redis.eval(
        ACQUIRE,
        4,
        keys.next,
        keys.endpoint,
        keys.content,
        keys.contentWindow,
        Math.max(0, Math.round(spacingMs)),
        budget?.endpointIntervalMs ?? 0,
        budget?.createsContent ? 1 : 0,
        budget?.contentIntervalMs ?? 0,
        budget?.contentWindowLimit ?? 0,
        budget?.contentWindowMs ?? 0,
        randomUUID(),
        budget?.endpointBurstMs ?? 0,
        budget?.contentBurstMs ?? 0,
      ),
    );
    if (wait > 0) await this.sleep(wait);
  }

  async pause(key: string, waitMs: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, key, Math.max(0, Math.round(waitMs)));
  }
}
