import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriftMarks, RevertCounter } from '../../src/queue/drift-marks.js';
import { Queues } from '../../src/queue/queues.js';
import { useRedis } from '../support/redis.js';

const job = { installationId: 1, owner: 'acme', repo: 'converge-config' };
const mark = (sender: string) => ({ sender, at: '2026-12-03T12:00:00.000Z', event: 'repository.edited' });

describe('drift marks and the debounced drift job', () => {
  const store = useRedis();
  let redis: Redis;
  let prefix: string;
  let queues: Queues;

  beforeEach(async () => {
    prefix = store.prefix;
    redis = await store.connect();
    queues = new Queues(redis, prefix);
  });

  afterEach(async () => {
    await queues.close();
  });

  it('collapses 1,000 events on 100 resources into one delayed job whose marks name each resource once, the last sender winning', async () => {
    for (let i = 0; i < 1000; i++) await queues.enqueueDrift(job, [`github.repository/r${i % 100}`], mark(`user${i}`), 5000);
    const jobs = await queues.converge.getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.map((j) => j.name)).toEqual(['drift']);
    expect(await jobs[0]!.isDelayed()).toBe(true);
    const marks = await new DriftMarks(redis, prefix).drain(job);
    expect(marks.size).toBe(100);
    expect(marks.get('github.repository/r7')!.sender).toBe('user907');
    // Drained: a second job would find nothing left over.
    expect((await new DriftMarks(redis, prefix).drain(job)).size).toBe(0);
  });

  it('keeps marks per config repo', async () => {
    const other = { ...job, repo: 'converge-db' };
    await queues.enqueueDrift(job, ['github.label/api/bug'], mark('alice'), 5000);
    await queues.enqueueDrift(other, ['github.team/platform'], mark('bob'), 5000);
    expect([...(await new DriftMarks(redis, prefix).drain(job)).keys()]).toEqual(['github.label/api/bug']);
    expect([...(await new DriftMarks(redis, prefix).drain(other)).keys()]).toEqual(['github.team/platform']);
    expect(await queues.converge.getJobs(['delayed'])).toHaveLength(2);
  });

  it('counts reverts per resource within the hour', async () => {
    const reverts = new RevertCounter(redis, prefix);
    expect(await reverts.count(job, 'github.repository/api')).toBe(0);
    await reverts.record(job, 'github.repository/api');
    await reverts.record(job, 'github.repository/api');
    expect(await reverts.count(job, 'github.repository/api')).toBe(2);
    expect(await reverts.count(job, 'github.repository/web')).toBe(0);
    const ttl = await redis.ttl(`${prefix}:drift-reverts:acme/converge-config:github.repository/api`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });
});
