import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { DeliveryCheckpoint } from '../../src/queue/delivery-checkpoint.js';
import { useRedis } from '../support/redis.js';

describe('the delivery checkpoint', () => {
  const store = useRedis();
  let redis: Redis;
  let prefix: string;

  beforeEach(async () => {
    prefix = store.prefix;
    redis = await store.connect();
  });

  it('is unset at first, then reads back what was written, under <prefix>:deliveries-checked-until', async () => {
    const checkpoint = new DeliveryCheckpoint(redis, prefix);
    expect(await checkpoint.read()).toBeUndefined();
    const at = new Date('2026-03-04T12:00:01Z');
    await checkpoint.write(at);
    expect(await checkpoint.read()).toEqual(at);
    expect(await redis.get(`${prefix}:deliveries-checked-until`)).toBe(String(at.getTime()));
    // Another process (another web replica) sees it too.
    expect(await new DeliveryCheckpoint(await store.connect(), prefix).read()).toEqual(at);
  });

  it('only moves forward: an older pass finishing later does not set it back', async () => {
    const checkpoint = new DeliveryCheckpoint(redis, prefix);
    await checkpoint.write(new Date('2026-03-04T12:00:00Z'));
    await checkpoint.write(new Date('2026-03-04T11:00:00Z'));
    expect(await checkpoint.read()).toEqual(new Date('2026-03-04T12:00:00Z'));
    await checkpoint.write(new Date('2026-03-04T13:00:00Z'));
    expect(await checkpoint.read()).toEqual(new Date('2026-03-04T13:00:00Z'));
  });

  it('reads a value it did not write as unset, and overwrites it', async () => {
    await redis.set(`${prefix}:deliveries-checked-until`, 'yesterday');
    const checkpoint = new DeliveryCheckpoint(redis, prefix);
    expect(await checkpoint.read()).toBeUndefined();
    await checkpoint.write(new Date('2026-03-04T12:00:00Z'));
    expect(await checkpoint.read()).toEqual(new Date('2026-03-04T12:00:00Z'));
  });

  it('lets one web process at a time make the pass, and frees it once done', async () => {
    const first = new DeliveryCheckpoint(redis, prefix);
    const second = new DeliveryCheckpoint(await store.connect(), prefix);
    const release = await first.claim(60_000);
    expect(release).toBeDefined();
    expect(await second.claim(60_000)).toBeUndefined();
    await release!();
    const again = await second.claim(60_000);
    expect(again).toBeDefined();
    // A holder's release never frees a claim another took after its own lapsed.
    await release!();
    expect(await first.claim(60_000)).toBeUndefined();
    await again!();
  });
});
