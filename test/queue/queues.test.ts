import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoConfig } from '../../src/config/schema.js';
import { createRedis, connectRedis } from '../../src/queue/connection.js';
import { CONVERGE_QUEUE, type ConvergeJob, type FullRunJob } from '../../src/queue/jobs.js';
import { Queues } from '../../src/queue/queues.js';
import { RepoLock } from '../../src/queue/repo-lock.js';
import { jitteredDailyCron, syncSchedule } from '../../src/queue/schedules.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../support/redis.js';

const job: ConvergeJob = { installationId: 1, owner: 'acme', repo: 'config' };

describe('queues', () => {
  let prefix: string;
  let redis: Redis;
  let queues: Queues;
  const closers: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    prefix = testPrefix();
    redis = createRedis({ url: REDIS_URL, cluster: false }) as Redis;
    await redis.connect();
    queues = new Queues(redis, prefix);
  });

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await queues.close();
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('keeps at most one running and one waiting convergence per config repo', async () => {
    let runs = 0;
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const worker = new Worker<ConvergeJob>(
      CONVERGE_QUEUE,
      async () => {
        runs++;
        started();
        if (runs === 1) await blocked;
      },
      { connection: redis, prefix, concurrency: 4 },
    );
    closers.push(() => worker.close());

    await queues.enqueueConverge({ ...job, afterSha: '1' });
    await running;
    for (const sha of ['2', '3', '4']) await queues.enqueueConverge({ ...job, afterSha: sha });
    expect(await queues.converge.getJobCounts('active', 'waiting', 'delayed')).toMatchObject({ active: 1 });
    release();
    await new Promise<void>((resolve) => {
      const check = async () => ((await queues.converge.getJobCounts('active', 'waiting', 'delayed', 'completed')).completed! >= 2 ? resolve() : setTimeout(check, 20));
      void check();
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(runs).toBe(2);
  });

  it('does not collapse convergences of different config repos', async () => {
    await queues.enqueueConverge(job);
    await queues.enqueueConverge({ ...job, repo: 'other' });
    expect((await queues.converge.getWaiting()).length).toBe(2);
  });

  it('never lets a waiting full-run request swallow another requester\'s, while scheduled runs still collapse', async () => {
    const full = { ...job, reason: 'manual' as const, requestedIn: 3 };
    await queues.enqueueFullRun({ ...full, commentId: 101, requestedBy: 'mallory' });
    await queues.enqueueFullRun({ ...full, commentId: 102, requestedBy: 'admin', overrideMaxDeletions: true });
    // A redelivered webhook carries the same comment: it adds nothing.
    await queues.enqueueFullRun({ ...full, commentId: 102, requestedBy: 'admin', overrideMaxDeletions: true });
    // The operator's CLI: a plain run does not hide one that lifts the cap.
    await queues.enqueueFullRun({ ...job, reason: 'manual' });
    await queues.enqueueFullRun({ ...job, reason: 'manual', overrideMaxDeletions: true });
    await queues.enqueueFullRun({ ...job, reason: 'schedule' });
    await queues.enqueueFullRun({ ...job, reason: 'schedule' });
    const waiting = (await queues.converge.getWaiting()).map((j) => j.data as FullRunJob);
    expect(waiting.map((d) => [d.reason, d.commentId ?? null, d.requestedBy ?? null, d.overrideMaxDeletions ?? false]).sort()).toEqual([
      ['manual', null, null, false],
      ['manual', null, null, true],
      ['manual', 101, 'mallory', false],
      ['manual', 102, 'admin', true],
      ['schedule', null, null, false],
    ]);
  });

  it('lets one holder at a time take a repo lock, and expires a dead holder', async () => {
    const lock = new RepoLock(redis, prefix, 300);
    const release = await lock.acquire('acme/config');
    expect(release).toBeDefined();
    expect(await lock.acquire('acme/config')).toBeUndefined();
    expect(await lock.acquire('acme/other')).toBeDefined();
    await release!();
    const again = await lock.acquire('acme/config');
    expect(again).toBeDefined();
    await again!();
    // A holder killed with SIGKILL stops renewing: its lock expires after the TTL.
    await redis.set(`${prefix}:lock:acme/dead`, 'killed-worker', 'PX', 150);
    expect(await lock.acquire('acme/dead')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    expect(await lock.acquire('acme/dead')).toBeDefined();
  });

  it('schedules the full run from converge.yml, jittered by default, and removes it when disabled', async () => {
    await syncSchedule(queues.converge, job, RepoConfig.parse({}));
    const [scheduler] = await queues.converge.getJobSchedulers();
    expect(scheduler).toMatchObject({ key: 'full-run:acme/config', pattern: jitteredDailyCron('acme/config'), tz: 'UTC' });
    await syncSchedule(queues.converge, job, RepoConfig.parse({ schedule: { fullRun: '*/30 * * * *' } }));
    expect((await queues.converge.getJobSchedulers()).map((s) => s.pattern)).toEqual(['*/30 * * * *']);
    await syncSchedule(queues.converge, job, RepoConfig.parse({ schedule: { enabled: false } }));
    expect(await queues.converge.getJobSchedulers()).toEqual([]);
    expect(jitteredDailyCron('acme/config')).not.toBe(jitteredDailyCron('acme/other'));
  });

  it('fails at start-up with an error naming REDIS_URL when Redis is unreachable', async () => {
    await expect(connectRedis({ url: 'redis://:secret@127.0.0.1:1', cluster: false }, 1000)).rejects.toThrow(/REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
  });
});
