import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisProgressStore } from '../../src/queue/progress-store.js';
import { RedisSnapshotCache } from '../../src/queue/snapshot-cache.js';
import { connectRedis, deleteKeys, testPrefix } from '../support/redis.js';

const ref = { owner: 'Acme', repo: 'Converge-Config' };

describe('what the workers share through Redis', () => {
  let prefix: string;
  const connections: Redis[] = [];
  let redis: Redis;

  beforeEach(async () => {
    prefix = testPrefix();
    redis = await connectRedis(connections);
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.disconnect();
    await deleteKeys(prefix);
  });

  it('keeps a snapshot by tree, files and problems alike, for any process and for a while', async () => {
    const cache = new RedisSnapshotCache(redis, { prefix, ttlSeconds: 60 });
    const files = Object.assign(new Map([['converge.yml', 'providers: {}\n'], ['repos/ü.yml', 'name: ü\n']]), {
      problems: [{ path: 'big.yml', code: 'file.too-large', message: 'big.yml is too large' }],
    });
    expect(await cache.has(ref, 'tree1')).toBe(false);
    expect(await cache.get(ref, 'tree1')).toBeUndefined();
    await cache.set(ref, 'tree1', files);
    const ttl = await redis.ttl(`${prefix}:snapshot:acme/converge-config:tree1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    // Another process, and the owner and repository named in another case: the same entry.
    const other = new RedisSnapshotCache(await connectRedis(connections), { prefix });
    const back = await other.get({ owner: 'acme', repo: 'converge-config' }, 'tree1');
    expect(back && [...back]).toEqual([...files]);
    expect(back?.problems).toEqual(files.problems);
    expect(await other.has(ref, 'tree1')).toBe(true);
  });

  it('does not keep a snapshot larger than its limit', async () => {
    const cache = new RedisSnapshotCache(redis, { prefix, maxBytes: 64 });
    const random = Array.from({ length: 200 }, () => Math.random().toString(36)).join('');
    await cache.set(ref, 'big', new Map([['a.yml', random]]));
    expect(await cache.has(ref, 'big')).toBe(false);
  });

  it('keeps where each config repo converged to, by repo', async () => {
    const store = new RedisProgressStore(redis, prefix);
    expect(await store.get(ref)).toBeUndefined();
    await store.set(ref, { sha: 'a'.repeat(40), tree: 'b'.repeat(40) });
    expect(await store.get({ owner: 'acme', repo: 'converge-config' })).toEqual({ sha: 'a'.repeat(40), tree: 'b'.repeat(40) });
    expect(await store.get({ owner: 'acme', repo: 'other' })).toBeUndefined();
  });
});
