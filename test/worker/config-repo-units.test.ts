import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisProgressStore } from '../../src/queue/progress-store.js';
import { Queues } from '../../src/queue/queues.js';
import { syncSchedule } from '../../src/queue/schedules.js';
import type { WorkerContext } from '../../src/worker/context.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { startWorkers, type RunningWorkers } from '../../src/worker/index.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { repoFile, workerContext } from '../support/harness.js';
import { connectRedis, deleteKeys, testPrefix, waitIdle } from '../support/redis.js';

/** Each config repo of an org is its own unit: its schedule, progress, settings and drift issues. */
const fake = installFakeGitHub();
const PLATFORM = 'converge-config';
const DB = 'converge-db';
const job = (repo: string) => ({ installationId: 1, owner: 'acme', repo });

describe('config repos of one org as separate units', () => {
  let prefix: string;
  let schedulePrefix: string;
  const connections: Redis[] = [];
  let running: RunningWorkers | undefined;
  let queues: Queues;
  // Schedules go to a queue of their own here, so their delayed runs do not keep the workers' queue from idling.
  let schedules: Queues;

  beforeEach(async () => {
    prefix = testPrefix();
    schedulePrefix = testPrefix();
    queues = new Queues(await connectRedis(connections), prefix);
    schedules = new Queues(await connectRedis(connections), schedulePrefix);
  });

  afterEach(async () => {
    await running?.close().catch(() => undefined);
    running = undefined;
    await queues.close();
    await schedules.close();
    for (const redis of connections.splice(0)) redis.disconnect();
    await deleteKeys(prefix);
    await deleteKeys(schedulePrefix);
  });

  it('keeps a schedule, a progress record, settings and drift issues per config repo', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    fake.addRepo({ name: 'db', description: 'old' });
    fake.addRepo({ name: PLATFORM });
    fake.addRepo({ name: DB });
    const platformHead = fake.commit(PLATFORM, {
      'converge.yml': 'providers:\n  github: {}\nschedule:\n  fullRun: "0 3 * * *"\n',
      'repos/api.yml': repoFile('api', '  description: platform\n'),
    });
    const dbHead = fake.commit(DB, {
      'converge.yml': 'providers:\n  github: {}\nschedule:\n  fullRun: "*/30 * * * *"\ndrift:\n  mode: revert\n',
      'repos/db.yml': repoFile('db', '  description: database\n'),
    });

    const redis = await connectRedis(connections);
    const progress = new RedisProgressStore(redis, prefix);
    const context: WorkerContext = {
      ...workerContext(fake, { env: { CONVERGE_CONFIG_REPO: `${PLATFORM},${DB}` } }),
      onRepoConfig: (repoJob, config) => syncSchedule(schedules.converge, repoJob, config),
      progress,
    };
    running = startWorkers(context, { connection: redis, prefix, concurrency: 2, lockDurationMs: 1500, stalledIntervalMs: 500, repoLockTtlMs: 1500, busyRetryMs: 100 });
    await queues.enqueueConverge(job(PLATFORM));
    await queues.enqueueConverge(job(DB));
    await waitIdle(queues.converge);

    expect(fake.repo('api').description).toBe('platform');
    expect(fake.repo('db').description).toBe('database');
    const schedulers = await schedules.converge.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern]).sort()).toEqual([
      [`full-run:acme/${PLATFORM}`, '0 3 * * *'],
      [`full-run:acme/${DB}`, '*/30 * * * *'],
    ]);
    expect((await progress.get(job(PLATFORM)))?.sha).toBe(platformHead);
    expect((await progress.get(job(DB)))?.sha).toBe(dbHead);
    await running.close();
    running = undefined;

    // Drift in both: each config repo's own drift mode, and its own drift issue.
    fake.repo('api').description = 'by hand';
    fake.repo('db').description = 'by hand';
    await processFullRunJob({ ...job(PLATFORM), reason: 'schedule' }, context);
    await processFullRunJob({ ...job(DB), reason: 'schedule' }, context);
    expect(fake.repo('api').description).toBe('by hand');
    expect(fake.repo('db').description).toBe('database');
    const [platformIssue] = fake.issues(PLATFORM).filter((i) => i.state === 'open');
    expect(platformIssue!.body).toContain('github.repository/api');
    expect(platformIssue!.body).not.toContain('github.repository/db');
    expect(fake.issues(DB).filter((i) => i.state === 'open')).toEqual([]);
  });
});
