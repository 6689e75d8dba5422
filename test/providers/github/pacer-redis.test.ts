import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { paceKey, restWrite, type WriteLimits } from '../../../src/providers/github/pacer.js';
import { RedisWritePacer } from '../../../src/providers/github/redis-pacer.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(() => redis.quit());

function pacer(limits?: Partial<WriteLimits>) {
  const waits: number[] = [];
  return { waits, pacer: new RedisWritePacer(redis, { sleep: async (ms) => void waits.push(ms), ...(limits ? { limits } : {}) }) };
}

/** Every key one test's pace key has grown (endpoint budgets, content window). */
async function cleanUp(key: string): Promise<void> {
  const keys = await redis.keys(`${key}*`);
  if (keys.length > 0) await redis.del(...keys);
}

const LABEL_PATCH = restWrite('PATCH /repos/{owner}/{repo}/labels/{name}');
const REPO_PATCH = restWrite('PATCH /repos/{owner}/{repo}');
const LABEL_CREATE = restWrite('POST /repos/{owner}/{repo}/labels');

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

  it("shares each endpoint's budget across processes, and lets endpoints overlap", async () => {
    const key = paceKey(`test-${randomUUID()}`);
    // 10 writes a minute per endpoint: a burst of one, then one every 6 s.
    const one = pacer({ restPointsPerMinute: 50 });
    const two = pacer({ restPointsPerMinute: 50 });
    await one.pacer.acquire(key, 0, LABEL_PATCH);
    await two.pacer.acquire(key, 0, REPO_PATCH);
    expect(two.waits).toEqual([]);
    await two.pacer.acquire(key, 0, LABEL_PATCH);
    // The next label PATCH, from the other process, goes 6 s after the first.
    expect(two.waits).toHaveLength(1);
    expect(two.waits[0]).toBeGreaterThan(5_900);
    expect(two.waits[0]).toBeLessThanOrEqual(6_000);
    await cleanUp(key);
  });

  it('lets a small merge go at once across processes, then drips at the minute budget', async () => {
    const key = paceKey(`test-${randomUUID()}`);
    const one = pacer();
    const two = pacer();
    for (let i = 0; i < 9; i++) await one.pacer.acquire(key, 0, LABEL_PATCH);
    for (let i = 0; i < 9; i++) await two.pacer.acquire(key, 0, LABEL_PATCH);
    // A tenth of 180 a minute: 18 writes need no wait, wherever they come from; the 19th does.
    expect([...one.waits, ...two.waits]).toEqual([]);
    await two.pacer.acquire(key, 0, LABEL_PATCH);
    expect(two.waits).toHaveLength(1);
    expect(two.waits[0]).toBeGreaterThan(269);
    expect(two.waits[0]).toBeLessThanOrEqual(371);
    await cleanUp(key);
  });

  it('holds creations to the content budgets of every process: 80 a minute, then the hourly window', async () => {
    const key = paceKey(`test-${randomUUID()}`);
    const one = pacer({ contentPerHour: 2, contentPerMinute: 10 });
    const two = pacer({ contentPerHour: 2, contentPerMinute: 10 });
    await one.pacer.acquire(key, 0, LABEL_CREATE);
    await two.pacer.acquire(key, 0, restWrite('POST /repos/{owner}/{repo}/issues'));
    // Another endpoint, but content all the same: 6 s apart at 10 a minute (a burst of one).
    expect(two.waits).toHaveLength(1);
    expect(two.waits[0]).toBeGreaterThan(5_900);
    expect(two.waits[0]).toBeLessThanOrEqual(6_000);
    // The third creation within the hour waits for the first to leave the window.
    await one.pacer.acquire(key, 0, LABEL_CREATE);
    expect(one.waits).toHaveLength(1);
    expect(one.waits[0]).toBeGreaterThan(3_599_000);
    expect(one.waits[0]).toBeLessThanOrEqual(3_600_000);
    expect(await redis.pttl(`${key}:content-window`)).toBeGreaterThan(3_600_000);
    // A change is not a creation: it goes at once.
    await two.pacer.acquire(key, 0, REPO_PATCH);
    expect(two.waits).toHaveLength(1);
    await cleanUp(key);
  });
});
