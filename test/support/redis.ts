import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique queue prefix per test (hash-tagged like production) and cleanup of its keys. */
export function testPrefix(): string {
  return `{converge-test-${randomUUID().slice(0, 8)}}`;
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A connected client like the app's own; it is pushed onto `connections` so afterEach can close it. */
export async function connectRedis(connections: Redis[]): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect();
  connections.push(redis);
  return redis;
}

/** Waits until a queue has no active, waiting or delayed job; names what is stuck otherwise. */
export async function waitIdle(queue: Queue, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) {
      const stuck = await queue.getJobs(['delayed', 'failed', 'active']);
      throw new Error(`queue not idle: ${JSON.stringify(counts)}; ${stuck.map((j) => j.failedReason).join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Per test: a fresh prefix, and connections to Redis made through `connect`; after each test
 * the connections are closed and the prefix's keys deleted. Registered first, these hooks run
 * after the test file's own (which close queues on the connections).
 */
export function useRedis(): { readonly prefix: string; connect(): Promise<Redis> } {
  const connections: Redis[] = [];
  let prefix = '';
  beforeEach(() => {
    prefix = testPrefix();
  });
  afterEach(async () => {
    for (const c of connections.splice(0)) c.disconnect();
    await deleteKeys(prefix);
  });
  return {
    get prefix() {
      return prefix;
    },
    connect: () => connectRedis(connections),
  };
}
