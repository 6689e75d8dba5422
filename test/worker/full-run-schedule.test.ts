import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { FullRunRecord } from '../../src/queue/full-run-record.js';
import type { FullRunJob } from '../../src/queue/jobs.js';
import { OrgActivity } from '../../src/queue/org-activity.js';
import type { WorkerContext } from '../../src/worker/context.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, repoFile, workerContext } from '../support/harness.js';
import { useRedis } from '../support/redis.js';

const fake = installFakeGitHub();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const repoJob = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
/** A run of the default cron, as the scheduler enqueues it. */
const scheduled: FullRunJob = { ...repoJob, reason: 'schedule', defaultSchedule: { everyDaysWithEvents: 7 } };
const checkRuns = () => fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run');
const openDriftIssues = () => fake.issues(CONFIG_REPO).filter((i) => i.state === 'open');

/** A pino logger writing JSON lines into memory. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('scheduled full runs while events flow', () => {
  const store = useRedis();
  let activity: OrgActivity;
  let fullRuns: FullRunRecord;

  beforeEach(async () => {
    const prefix = store.prefix;
    const redis = await store.connect();
    activity = new OrgActivity(redis, prefix);
    fullRuns = new FullRunRecord(redis, prefix);
    // The org drifted: any run that happens opens a drift issue.
    fake.addRepo({ name: 'api', description: 'changed in the UI' });
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, {
      'converge.yml': 'providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n',
      'repos/api.yml': repoFile('api', '  description: as declared\n'),
    });
  });

  const context = (extra: Partial<WorkerContext> = {}, env: Record<string, string> = {}): WorkerContext => ({ ...workerContext(fake, { env }), activity, fullRuns, ...extra });
  const ago = (ms: number) => Date.now() - ms;

  it('skips a run of the default cron without a single request when events flow and the last run is recent, and says when the next is due', async () => {
    await activity.eventSeen('acme', ['api'], ago(HOUR));
    const lastRun = ago(2 * DAY);
    await fullRuns.finished(repoJob, lastRun);
    const { log, lines } = capture();
    const outcome = await processFullRunJob(scheduled, context({ log }));
    expect(outcome.skipped).toBe('events-flowing');
    expect(fake.requests).toEqual([]);
    expect(checkRuns()).toEqual([]);
    expect(openDriftIssues()).toEqual([]);
    const line = lines.find((l) => l.msg === 'scheduled full run skipped: events are flowing and the last full run is recent');
    expect(line).toMatchObject({ level: 30, lastRunAt: new Date(lastRun).toISOString(), everyDaysWithEvents: 7 });
    // Due a week after the last run, give or take the hour of day the daily cron fires at.
    const dueAt = Date.parse(line!.dueAt as string);
    expect(dueAt).toBeGreaterThan(lastRun + 6 * DAY);
    expect(dueAt).toBeLessThanOrEqual(lastRun + 7 * DAY);
    // Not recorded as a run: the next one is still due a week after the last real one.
    expect(await fullRuns.lastFinishedAt(repoJob)).toBe(lastRun);
  });

  it('runs once events stopped (the last one arrived more than 24 hours ago)', async () => {
    await activity.eventSeen('acme', [], ago(25 * HOUR));
    await fullRuns.finished(repoJob, ago(DAY));
    const outcome = await processFullRunJob(scheduled, context());
    expect(outcome.skipped).toBeUndefined();
    expect(outcome.drifted).toBe(1);
    expect(openDriftIssues()).toHaveLength(1);
  });

  it('runs when no event arrived at all', async () => {
    await fullRuns.finished(repoJob, ago(DAY));
    expect((await processFullRunJob(scheduled, context())).skipped).toBeUndefined();
    expect(checkRuns()).toHaveLength(1);
  });

  it('runs once the last run is older than schedule.everyDaysWithEvents days', async () => {
    await activity.eventSeen('acme', [], ago(HOUR));
    await fullRuns.finished(repoJob, ago(3 * DAY + HOUR));
    expect((await processFullRunJob({ ...scheduled, defaultSchedule: { everyDaysWithEvents: 3 } }, context())).skipped).toBeUndefined();
    expect(openDriftIssues()).toHaveLength(1);
  });

  it('runs on the seventh day even when the last run started later in the day than the cron fires', async () => {
    await activity.eventSeen('acme', [], ago(HOUR));
    // Last week's run waited 20 minutes for a convergence of the same config repo.
    await fullRuns.finished(repoJob, ago(7 * DAY - 20 * 60_000));
    expect((await processFullRunJob(scheduled, context())).skipped).toBeUndefined();
    expect(openDriftIssues()).toHaveLength(1);
  });

  it('runs when no run was recorded, records it, and skips the next scheduled one', async () => {
    await activity.eventSeen('acme', [], ago(HOUR));
    const before = Date.now();
    expect((await processFullRunJob(scheduled, context())).drifted).toBe(1);
    const recorded = await fullRuns.lastFinishedAt(repoJob);
    expect(recorded).toBeGreaterThanOrEqual(before);
    expect(recorded).toBeLessThanOrEqual(Date.now());
    fake.resetLog();
    expect((await processFullRunJob(scheduled, context())).skipped).toBe('events-flowing');
    expect(fake.requests).toEqual([]);
    expect(checkRuns()).toHaveLength(1);
  });

  it('always runs what the scheduler did not ask for, or asked for on a cron converge.yml names', async () => {
    await activity.eventSeen('acme', [], ago(HOUR));
    await fullRuns.finished(repoJob, ago(DAY));
    // The operator's CLI (`npm run full-run`), even on a job that carries the default schedule.
    expect((await processFullRunJob({ ...repoJob, reason: 'manual', defaultSchedule: { everyDaysWithEvents: 7 } }, context())).skipped).toBeUndefined();
    // A `schedule.fullRun` cron: the scheduler puts no default schedule on its runs.
    expect((await processFullRunJob({ ...repoJob, reason: 'schedule' }, context())).skipped).toBeUndefined();
    expect(checkRuns().length).toBeGreaterThanOrEqual(1);
    expect(openDriftIssues()).toHaveLength(1);
    // A finished manual run counts as the last run too.
    expect(await fullRuns.lastFinishedAt(repoJob)).toBeGreaterThan(ago(HOUR));
  });

  it('never skips with config repos named by pattern: the list the handler has of them may be stale', async () => {
    await activity.eventSeen('acme', [], ago(HOUR));
    await fullRuns.finished(repoJob, ago(DAY));
    expect((await processFullRunJob(scheduled, context({}, { CONVERGE_CONFIG_REPO: 'converge-*' }))).skipped).toBeUndefined();
    expect(openDriftIssues()).toHaveLength(1);
  });

  it('skips nothing in a worker without the activity or the record', async () => {
    await activity.eventSeen('acme', [], ago(HOUR));
    await fullRuns.finished(repoJob, ago(DAY));
    const { activity: _a, fullRuns: _f, ...bare } = context();
    expect((await processFullRunJob(scheduled, bare)).skipped).toBeUndefined();
  });
});
