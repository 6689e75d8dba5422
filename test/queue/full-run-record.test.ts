import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoConfig } from '../../src/config/schema.js';
import { FullRunRecord } from '../../src/queue/full-run-record.js';
import type { FullRunJob } from '../../src/queue/jobs.js';
import { Queues } from '../../src/queue/queues.js';
import { syncSchedule } from '../../src/queue/schedules.js';
import { useRedis } from '../support/redis.js';

const job = { installationId: 1, owner: 'acme', repo: 'converge-config' };

describe('the full run schedule while events flow', () => {
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

  /** What the scheduler's next run carries, as the worker will see it. */
  async function nextScheduledRun(): Promise<FullRunJob> {
    const [scheduler] = await queues.converge.getJobSchedulers();
    const [next] = await queues.converge.getJobs(['delayed']);
    expect(next!.data).toEqual(scheduler!.template!.data);
    return next!.data as FullRunJob;
  }

  it('marks runs of the default cron as ones that may wait, seven days by default', async () => {
    await syncSchedule(queues.converge, job, RepoConfig.parse({}));
    expect(await nextScheduledRun()).toEqual({ ...job, reason: 'schedule', defaultSchedule: { everyDaysWithEvents: 7 } });
    await syncSchedule(queues.converge, job, RepoConfig.parse({ schedule: { everyDaysWithEvents: 3 } }));
    expect((await nextScheduledRun()).defaultSchedule).toEqual({ everyDaysWithEvents: 3 });
  });

  it('never marks runs of a cron converge.yml names, even after a default one', async () => {
    await syncSchedule(queues.converge, job, RepoConfig.parse({}));
    await syncSchedule(queues.converge, job, RepoConfig.parse({ schedule: { fullRun: '0 4 * * *', everyDaysWithEvents: 3 } }));
    expect(await nextScheduledRun()).toEqual({ ...job, reason: 'schedule' });
  });

  it('accepts 1 to 31 days, whole days only', () => {
    expect(RepoConfig.parse({ schedule: {} }).schedule).toEqual({ enabled: true, everyDaysWithEvents: 7 });
    expect(RepoConfig.parse({ schedule: { everyDaysWithEvents: 31 } }).schedule.everyDaysWithEvents).toBe(31);
    for (const bad of [0, 32, 1.5, '7']) expect(RepoConfig.safeParse({ schedule: { everyDaysWithEvents: bad } }).success).toBe(false);
  });

  it('remembers the last finished full run per config repo, for 60 days', async () => {
    const record = new FullRunRecord(redis, prefix);
    expect(await record.lastFinishedAt(job)).toBeUndefined();
    await record.finished(job, 1_700_000_000_000);
    await record.finished(job, 1_700_000_100_000);
    // Another process, and the repo named in another case: the same record.
    const other = new FullRunRecord(await store.connect(), prefix);
    expect(await other.lastFinishedAt({ ...job, owner: 'Acme', repo: 'Converge-Config' })).toBe(1_700_000_100_000);
    expect(await other.lastFinishedAt({ ...job, repo: 'converge-db' })).toBeUndefined();
    const ttl = await redis.ttl(`${prefix}:full-run-last:acme/converge-config`);
    expect(ttl).toBeGreaterThan(60 * 86_400 - 10);
    expect(ttl).toBeLessThanOrEqual(60 * 86_400);
  });

  it('reads a value it did not write as no record', async () => {
    await redis.set(`${prefix}:full-run-last:acme/converge-config`, 'garbage');
    expect(await new FullRunRecord(redis, prefix).lastFinishedAt(job)).toBeUndefined();
  });
});
