import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { paceKey, RedisWritePacer } from '../../../src/providers/github/index.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(() => redis.quit());

function pacer() {
  const waits: number[] = [];
  return { waits, pacer: new RedisWritePacer(redis, { sleep: async (ms) => void waits.push(ms) }) };
}

describe('RedisWritePacer (shared by every process)', () => {
  it('uses one hash-tagged key per org', () => {
    expect(paceKey('Acme')).toBe('{converge}:pace:acme');
  });

  it('hands out slots writeSpacing apart, also to a second process', async () => {
    const key = paceKey(`test-${randomUUID()}`);
    const one = pacer();
    const two = pacer();
    await one.pacer.acquire(key, 300);
    await two.pacer.acquire(key, 300);
    await one.pacer.acquire(key, 300);
    expect(one.waits).toHaveLength(1);
    expect(two.waits).toHaveLength(1);
    expect(two.waits[0]).toBeGreaterThan(200);
    expect(two.waits[0]).toBeLessThanOrEqual(300);
    expect(one.waits[0]).toBeGreaterThan(500);
    expect(one.waits[0]).toBeLessThanOrEqual(600);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    await redis.del(key);
  });

  it('holds writes from every process while GitHub asked to wait', async () => {
    const key = paceKey(`test-${randomUUID()}`);
    const one = pacer();
    const two = pacer();
    await one.pacer.pause(key, 5_000);
    await two.pacer.acquire(key, 0);
    expect(two.waits[0]).toBeGreaterThan(4_000);
    // A shorter pause never shortens a longer one.
    await one.pacer.pause(key, 10);
    await one.pacer.acquire(key, 0);
    expect(one.waits[0]).toBeGreaterThan(4_000);
    await redis.del(key);
  });
});
