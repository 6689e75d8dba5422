import { Writable } from 'node:stream';
import pino from 'pino';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricsText } from '../../src/ops/metrics.js';
import { Queues } from '../../src/queue/queues.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { startWorkers, type RunningWorkers } from '../../src/worker/index.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, repoFile, workerContext } from '../support/harness.js';
import { connectRedis, deleteKeys, testPrefix, waitIdle } from '../support/redis.js';

const fake = installFakeGitHub();
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const SETTINGS = 'providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n';

/** A pino logger writing JSON lines into memory, as the shipped processes write them. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/** The keys of a JSON object's top level, in order, duplicates included (JSON.parse keeps only the last). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(line.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

/** Parse one JSON log line, failing on a key that appears twice. */
function parseStrict(line: string): Record<string, unknown> {
  const keys = topLevelKeys(line);
  expect(new Set(keys).size, `duplicate keys in ${line}`).toBe(keys.length);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('worker operations', () => {
  let prefix: string;
  const connections: Redis[] = [];
  const running: RunningWorkers[] = [];
  let queues: Queues;

  const connect = () => connectRedis(connections);

  beforeEach(async () => {
    prefix = testPrefix();
    queues = new Queues(await connect(), prefix);
  });

  afterEach(async () => {
    for (const workers of running.splice(0)) await workers.close().catch(() => undefined);
    await queues.close();
    for (const redis of connections.splice(0)) redis.disconnect();
    await deleteKeys(prefix);
  });

  const idle = (timeoutMs?: number) => waitIdle(queues.converge, timeoutMs);

  it('detects duplicate keys in a log line', () => {
    expect(topLevelKeys('{"a":1,"b":{"a":2},"c":"x,\\"d\\":","a":3}')).toEqual(['a', 'b', 'c', 'a']);
  });

  it('counts a converge job, its changes and duration, and logs its start and end', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    fake.addRepo({ name: CONFIG_REPO });
    const head = fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/api.yml': repoFile('api', '  description: b\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    const { log, lines } = capture();
    const workers = startWorkers({ ...workerContext(fake), log }, { connection: await connect(), prefix, concurrency: 1 });
    running.push(workers);
    await queues.enqueueConverge(job);
    await idle();
    expect(fake.repo('api').description).toBe('b');

    const text = await metricsText();
    expect(text).toContain('converge_jobs_total{type="converge",outcome="completed"} 1');
    expect(text).toContain('converge_job_duration_seconds_count{type="converge",outcome="completed"} 1');
    expect(text).toContain('converge_changes_total{outcome="applied",kind="github.repository"} 1');
    expect(text).toContain('converge_changes_total{outcome="applied",kind="github.label"} 1');
    // Every installation client the worker used fed the rate-limit gauge.
    expect(text).toMatch(/converge_github_rate_limit_remaining\{resource="core",installation="1"\} \d+/);

    const entries = lines.map(parseStrict);
    const started = entries.filter((e) => e.msg === 'job started');
    const finished = entries.filter((e) => e.msg === 'job finished');
    expect(started).toEqual([expect.objectContaining({ level: 30, job: 'converge', repo: `acme/${CONFIG_REPO}`, installation: 1, attempt: 1, jobId: expect.any(String) })]);
    const [run] = fake.checkRuns(CONFIG_REPO).filter((r) => r.head_sha === head);
    expect(finished).toEqual([
      expect.objectContaining({ level: 30, job: 'converge', outcome: 'completed', durationMs: expect.any(Number), checkRunUrl: `https://github.com/acme/${CONFIG_REPO}/runs/${run!.id}` }),
    ]);
    // The processor's own lines carry the same bindings once, plus the commit.
    expect(entries.find((e) => e.msg === 'converged')).toMatchObject({ job: 'converge', repo: `acme/${CONFIG_REPO}`, sha: head });
  });

  it('logs the failing resources at warn level when a change fails', async () => {
    fake.addRepo({ name: 'api' });
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'labels.yml': [labelDoc('api', 'bug', 'd73a4a'), labelDoc('api', 'docs', '0075ca')].join('---\n') });
    fake.failNext({ method: 'POST', path: /^\/repos\/acme\/api\/labels$/, status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'invalid', field: 'color' }] } });
    const { log, lines } = capture();
    running.push(startWorkers({ ...workerContext(fake), log }, { connection: await connect(), prefix, concurrency: 1 }));
    await queues.enqueueConverge(job);
    await idle();
    const finished = lines.map(parseStrict).filter((e) => e.msg === 'job finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ level: 40, outcome: 'completed', failed: [expect.stringMatching(/^github\.label\/api\/(bug|docs)$/)] });
    expect(await metricsText()).toContain('converge_changes_total{outcome="failed",kind="github.label"} 1');
  });

  it('shows a full run’s progress on its check run, and the drift left in a gauge', async () => {
    fake.addRepo({ name: 'api', description: 'declared', labels: [{ name: 'bug', color: 'd73a4a' }] });
    fake.addRepo({ name: CONFIG_REPO });
    const head = fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/api.yml': repoFile('api', '  description: declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    fake.repo('api').description = 'hand edit';
    const { log } = capture();
    running.push(startWorkers({ ...workerContext(fake), log }, { connection: await connect(), prefix, concurrency: 1, fullRun: processFullRunJob }));
    await queues.enqueueFullRun({ ...job, reason: 'schedule' });
    await idle();

    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge full run' && r.head_sha === head)!;
    expect(run.status).toBe('completed');
    const progress = run.history.filter((h) => h.method === 'PATCH' && h.body.status === 'in_progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    const output = progress[0]!.body.output as { title: string; summary: string };
    expect(output.title).toMatch(/^Looking for drift… \d of 2 kinds read$/);
    expect(output.summary).toContain('`github.repository`');
    // The final result comes last, never overwritten by a late progress update.
    expect(run.history.at(-1)!.body.status).toBe('completed');
    expect(await metricsText()).toContain(`converge_drift_items{repo="acme/${CONFIG_REPO}"} 1`);
    expect(await metricsText()).toContain('converge_jobs_total{type="full-run",outcome="completed"} 1');
  });
});
