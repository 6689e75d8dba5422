import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Queues } from '../../src/queue/queues.js';
import type { WorkerContext } from '../../src/worker/context.js';
import { catchUpOnStart } from '../../src/worker/catch-up.js';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { startWorkers, type RunningWorkers } from '../../src/worker/index.js';
import { waitFor } from '../e2e/support/processes.js';
import { CONFIG_REPO as E2E_CONFIG_REPO, startStack, type Stack } from '../e2e/support/stack.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, probotFor, labelDoc, orgWrites, repoFile, silent, workerContext } from '../support/harness.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';
import { connectRedis, deleteKeys, testPrefix, waitIdle } from '../support/redis.js';

const fake = installFakeGitHub();
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const SETTINGS = 'providers:\n  github: {}\n';

describe('convergence on merge', () => {
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

  async function start(context: WorkerContext, connection?: Redis) {
    const workers = startWorkers(context, {
      connection: connection ?? (await connect()),
      prefix,
      concurrency: 2,
      lockDurationMs: 1500,
      stalledIntervalMs: 500,
      repoLockTtlMs: 1500,
      busyRetryMs: 100,
    });
    running.push(workers);
    return workers;
  }

  const idle = (timeoutMs?: number) => waitIdle(queues.converge, timeoutMs);

  const applyRuns = () => fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge apply');
  const runOn = (sha: string) => applyRuns().filter((r) => r.head_sha === sha);

  function seed(files: Record<string, string>) {
    fake.addRepo({ name: CONFIG_REPO });
    return fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, ...files });
  }

  async function converge(context: WorkerContext) {
    await queues.enqueueConverge(job);
    await idle();
  }

  it('applies a merge, records it on the commit, and comments once on the merged PR', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    const context = workerContext(fake);
    await start(context);
    const first = seed({ 'repos/api.yml': repoFile('api', '  description: a\n') });
    await converge(context);
    expect(runOn(first).map((r) => r.conclusion)).toEqual(['success']);
    expect(orgWrites(fake)).toEqual([]);

    const merged = fake.commit(CONFIG_REPO, { 'repos/api.yml': repoFile('api', '  description: b\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    fake.addPull(CONFIG_REPO, { number: 5, head: { ref: 'feature', sha: merged }, merged: true, merge_commit_sha: merged, state: 'closed' });
    await converge(context);
    expect(fake.repo('api').description).toBe('b');
    expect(fake.labels('api').map((l) => l.name)).toEqual(['bug']);
    const [run] = runOn(merged);
    expect(run).toMatchObject({ conclusion: 'success' });
    expect(run!.output.text).toContain('github.label/api/bug');
    const comments = fake.comments(CONFIG_REPO, 5);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`/runs/${run!.id}`);

    // Nothing new to converge: no new check run, no new comment, no writes.
    fake.resetLog();
    await converge(context);
    expect(runOn(merged)).toHaveLength(1);
    expect(orgWrites(fake)).toEqual([]);
  });

  it('runs a burst of merges at most twice, ending at head', async () => {
    fake.addRepo({ name: 'api', description: '0' });
    const context = workerContext(fake);
    const first = seed({ 'repos/api.yml': repoFile('api', '  description: "0"\n') });
    await start(context);
    await converge(context);
    const shas: string[] = [];
    for (const n of [1, 2, 3]) {
      shas.push(fake.commit(CONFIG_REPO, { 'repos/api.yml': repoFile('api', `  description: "${n}"\n`) }));
      await queues.enqueueConverge({ ...job, afterSha: shas.at(-1)! });
    }
    await idle();
    const after = applyRuns().filter((r) => r.head_sha !== first);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.length).toBeLessThanOrEqual(2);
    expect(after.at(-1)!.head_sha).toBe(shas[2]);
    expect(fake.repo('api').description).toBe('3');
  });

  it('catches up from the commit recorded in GitHub after Redis is wiped and webhooks are lost', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    fake.addRepo({ name: 'web', description: 'a' });
    const context = workerContext(fake);
    seed({ 'repos/api.yml': repoFile('api', '  description: a\n'), 'repos/web.yml': repoFile('web', '  description: a\n') });
    await start(context);
    await converge(context);
    await deleteKeys(prefix);
    fake.commit(CONFIG_REPO, { 'repos/api.yml': repoFile('api', '  description: lost webhook\n') });
    const head = fake.commit(CONFIG_REPO, { 'repos/web.yml': repoFile('web', '  description: latest\n') });
    await converge(context);
    expect(fake.repo('api').description).toBe('lost webhook');
    expect(fake.repo('web').description).toBe('latest');
    expect(runOn(head).map((r) => r.conclusion)).toEqual(['success']);
  });

  it('catches up on start: every installation converges from its recorded commit', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    const context = workerContext(fake);
    const head = seed({ 'repos/api.yml': repoFile('api', '  description: while down\n') });
    const enqueued = await catchUpOnStart(await probotFor(fake).auth(), queues, CONFIG_REPO, silent);
    expect(enqueued).toBe(1);
    await start(context);
    await idle();
    expect(fake.repo('api').description).toBe('while down');
    expect(runOn(head).map((r) => r.conclusion)).toEqual(['success']);
  });

  it('does nothing for an org without a config repo', async () => {
    const outcome = await processConvergeJob(job, workerContext(fake));
    expect(outcome.conclusion).toBe('skipped');
    expect(fake.count({ path: /check-runs/ })).toBe(0);
  });

  it('retries a resource that answers 502, and applies it', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    const context = workerContext(fake);
    seed({ 'repos/api.yml': repoFile('api', '  description: a\n') });
    await start(context);
    await converge(context);
    const head = fake.commit(CONFIG_REPO, { 'repos/api.yml': repoFile('api', '  description: b\n') });
    fake.failNext({ method: 'PATCH', path: /^\/repos\/acme\/api$/, status: 502 });
    await converge(context);
    expect(fake.repo('api').description).toBe('b');
    expect(runOn(head).map((r) => r.conclusion)).toEqual(['success']);
    expect(fake.count({ method: 'PATCH', path: /^\/repos\/acme\/api$/ })).toBe(2);
  });

  it('reports a 422 on one resource with GitHub message and applies the others', async () => {
    fake.addRepo({ name: 'api' });
    const context = workerContext(fake);
    seed({ 'repos/api.yml': repoFile('api', '  description: ""\n') });
    await start(context);
    await converge(context);
    const head = fake.commit(CONFIG_REPO, { 'labels.yml': [labelDoc('api', 'bug', 'd73a4a'), labelDoc('api', 'docs', '0075ca')].join('---\n') });
    fake.failNext({ method: 'POST', path: /^\/repos\/acme\/api\/labels$/, status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'invalid', field: 'color', message: 'color is not allowed here' }] } });
    await converge(context);
    expect(fake.labels('api')).toHaveLength(1);
    const [run] = runOn(head);
    expect(run!.conclusion).toBe('failure');
    expect(`${run!.output.summary}\n${run!.output.text}`).toContain('color is not allowed here');
  });

  it('keeps every attempt in the merged PR\'s comment, so a later success never hides an earlier failure', async () => {
    fake.addRepo({ name: 'api' });
    const context = workerContext(fake);
    seed({ 'repos/api.yml': repoFile('api', '  description: ""\n') });
    await start(context);
    await converge(context);
    const merged = fake.commit(CONFIG_REPO, { 'labels.yml': [labelDoc('api', 'bug', 'd73a4a'), labelDoc('api', 'docs', '0075ca')].join('---\n') });
    fake.addPull(CONFIG_REPO, { number: 12, title: 'Add labels', head: { ref: 'labels', sha: merged }, merged: true, merge_commit_sha: merged, state: 'closed' });
    fake.failNext({ method: 'POST', path: /^\/repos\/acme\/api\/labels$/, status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'invalid', field: 'color', message: 'color is not allowed here' }] } });
    await converge(context);
    const failed = ['bug', 'docs'].find((name) => !fake.labels('api').some((l) => l.name === name))!;
    // The apply check is re-run (or the job retried): this time the label goes through.
    await converge(context);
    expect(fake.labels('api').map((l) => l.name).sort()).toEqual(['bug', 'docs']);
    const [first, second] = runOn(merged).sort((a, b) => a.id - b.id);
    expect([first!.conclusion, second!.conclusion]).toEqual(['failure', 'success']);

    const comments = fake.comments(CONFIG_REPO, 12);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).toContain(`**Converge apply** finished: 1 applied, 0 failed, 0 skipped. [Details](https://github.com/acme/${CONFIG_REPO}/runs/${second!.id})`);
    const attempts = body.split('\n').filter((line) => /^- [✅❌] /u.test(line));
    expect(attempts).toHaveLength(2);
    // Newest first: the success, then the earlier partial failure with what failed and why.
    expect(attempts[0]).toMatch(/^- ✅ .* 1 applied, 0 failed, 0 skipped · \[check run\]/u);
    expect(attempts[0]).toContain(`/runs/${second!.id})`);
    expect(attempts[1]).toMatch(/^- ❌ .* 1 applied, 1 failed, 0 skipped · \[check run\]/u);
    expect(attempts[1]).toContain(`/runs/${first!.id})`);
    expect(body).toContain(`  - <code>github.label/api/${failed}</code>: GitHub rejected the change: Validation Failed (color is not allowed here)`);
    expect(body).not.toContain(`github.label/api/${failed}: github.label/api/${failed}`);
  });

  it('says on the check run and on the merged PR that nothing was applied when the merged config is invalid', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    const context = workerContext(fake);
    seed({ 'repos/api.yml': repoFile('api', '  description: a\n') });
    await start(context);
    await converge(context);
    const merged = fake.commit(CONFIG_REPO, { 'repos/api.yml': repoFile('api', '  description: b\n  colour: blue\n') });
    fake.addPull(CONFIG_REPO, { number: 7, title: 'Recolour', head: { ref: 'colour', sha: merged }, merged: true, merge_commit_sha: merged, state: 'closed' });
    fake.resetLog();
    await converge(context);
    expect(fake.repo('api').description).toBe('a');
    expect(orgWrites(fake)).toEqual([]);

    const [run] = runOn(merged);
    expect(run).toMatchObject({ conclusion: 'failure', output: { title: 'Nothing applied: invalid configuration (1 error)' } });
    const why = `the configuration at ${merged.slice(0, 7)} is invalid, 1 error; first: repos/api.yml:5 github.repository/api: unknown field "spec.colour"`;
    expect(run!.output.summary).toContain(`Nothing was applied: ${why}`);
    expect(run!.output.summary).toContain(`From [#7](https://github.com/acme/${CONFIG_REPO}/pull/7) (Recolour).`);

    const comments = fake.comments(CONFIG_REPO, 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`**Converge apply**: nothing was applied because ${why}`);
    expect(comments[0]!.body).toContain(`[Details](https://github.com/acme/${CONFIG_REPO}/runs/${run!.id})`);
  });

  it('touches only the changed file’s resources in a 1,000-file config repo', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) files[`repos/r${i}.yml`] = repoFile(`r${i}`, `  description: "${i}"\n`);
    const context = workerContext(fake);
    const first = seed(files);
    // Mark the first commit converged, as a previous run would have.
    await (await context.auth(1)).rest.checks.create({ owner: 'acme', repo: CONFIG_REPO, name: 'Converge apply', head_sha: first, status: 'completed', conclusion: 'success' });
    fake.addRepo({ name: 'r7', description: '7' });
    fake.commit(CONFIG_REPO, { 'repos/r7.yml': repoFile('r7', '  description: seven\n') });
    fake.resetLog();
    await start(context);
    await converge(context);
    expect(fake.repo('r7').description).toBe('seven');
    // The head and progress queries are about the config repo too, though their path is /graphql.
    const aboutConfigRepo = (r: { kind: string; body: unknown }) => r.kind === 'graphql' && /ConvergeProgress|ConvergeHead/.test(String((r.body as { query?: string }).query));
    const target = fake.filter((r) => r.kind !== 'codeload' && !r.path.includes(CONFIG_REPO) && !r.path.startsWith('/app') && !aboutConfigRepo(r));
    expect(target.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /repos/acme/r7', 'PATCH /repos/acme/r7']);
  });

  it('re-runs a job whose worker was killed mid-apply, to the same end state', async () => {
    const target = new MemoryTarget();
    const context = workerContext(fake, { extraProviders: [memoryProvider(target) as never] });
    fake.addRepo({ name: CONFIG_REPO });
    const head = fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  mem: {}\n', 'w.yml': 'kind: mem.widget\nname: a\nspec: { size: 1 }\n---\nkind: mem.widget\nname: b\nspec: { size: 2 }\n' });
    target.hold = new Promise(() => {});
    const doomedConnection = await connect();
    const doomed = await start(context, doomedConnection);
    await queues.enqueueConverge(job);
    while (target.calls.apply === 0) await new Promise((r) => setTimeout(r, 20));
    // SIGKILL: the process vanishes mid-apply; nothing renews its locks any more.
    void doomed.close().catch(() => undefined);
    running.splice(running.indexOf(doomed), 1);
    doomedConnection.disconnect();
    target.hold = undefined;
    await start(context);
    await idle(30_000);
    expect(target.state.get('mem.widget/a')?.spec).toEqual({ size: 1 });
    expect(target.state.get('mem.widget/b')?.spec).toEqual({ size: 2 });
    expect(runOn(head).map((r) => r.conclusion)).toContain('success');
  });
});

describe('a worker process stopped with SIGTERM', () => {
  let stack: Stack | undefined;

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('finishes the active job, then exits 0', async () => {
    stack = await startStack();
    const { fake: served } = stack;
    served.addRepo({ name: E2E_CONFIG_REPO });
    served.addRepo({ name: 'api' });
    const labels = Array.from({ length: 5 }, (_, i) => labelDoc('api', `stopped-${i}`, 'd73a4a')).join('---\n');
    const head = served.commit(E2E_CONFIG_REPO, { 'converge.yml': SETTINGS, 'labels.yml': labels });
    // Each label takes 300 ms to create, so the convergence is still applying when the signal comes.
    served.delay({ method: 'POST', path: /^\/repos\/acme\/api\/labels$/, ms: 300 });
    const labelPosts = () => served.count({ method: 'POST', path: /^\/repos\/acme\/api\/labels$/ });

    // The catch-up convergence on start is the job the signal interrupts.
    const worker = await stack.start('start:worker', { env: { CONVERGE_APPLY_CONCURRENCY: '1', CONVERGE_WORKER_CONCURRENCY: '1' } });
    await worker.waitForLog((l) => l.msg === 'job started' && l.job === 'converge', 'the convergence started');
    await waitFor(() => labelPosts() > 0, 'the first label write');
    expect(served.labels('api').length).toBeLessThan(5);
    worker.signalApp('SIGTERM');

    expect(await worker.exited).toBe(0);
    expect(served.labels('api').map((l) => l.name).sort()).toEqual(['stopped-0', 'stopped-1', 'stopped-2', 'stopped-3', 'stopped-4']);
    const run = served.checkRuns(E2E_CONFIG_REPO).find((r) => r.name === 'Converge apply' && r.head_sha === head);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    const log = worker.lines.map((l) => l.msg);
    const stopping = log.indexOf('stopping: finishing active jobs, then exiting');
    expect(stopping).toBeGreaterThanOrEqual(0);
    expect(worker.lines.slice(stopping).find((l) => l.msg === 'job finished' && l.job === 'converge')).toMatchObject({ outcome: 'completed' });
    expect(log.at(-1)).toBe('stopped');
  }, 60_000);
});

describe('finding the last converged commit', () => {
  // The history queries; each convergence also asks for the branch head (ConvergeHead).
  const graphqlRequests = () => fake.filter((r) => r.kind === 'graphql' && String((r.body as { query?: string }).query).includes('ConvergeProgress')).length;

  it('finds it 120 commits back in two queries, and applies a deletion made early on', async () => {
    fake.addRepo({ name: 'api', labels: [{ name: 'keep', color: 'ededed' }, { name: 'drop', color: 'ededed' }] });
    fake.addRepo({ name: CONFIG_REPO });
    const context = workerContext(fake, { processEnv: { APP_ID: '1' } });
    const first = fake.commit(CONFIG_REPO, {
      'converge.yml': 'providers:\n  github: {}\nprune:\n  enabled: true\n',
      'labels/keep.yml': labelDoc('api', 'keep', 'ededed'),
      'labels/drop.yml': labelDoc('api', 'drop', 'ededed'),
    });
    await (await context.auth(1)).rest.checks.create({ owner: 'acme', repo: CONFIG_REPO, name: 'Converge apply', head_sha: first, status: 'completed', conclusion: 'success' });
    fake.commit(CONFIG_REPO, { 'labels/drop.yml': null });
    for (let i = 0; i < 119; i++) fake.commit(CONFIG_REPO, { 'notes.md': `outage day ${i}\n` });
    fake.resetLog();
    const outcome = await processConvergeJob(job, context);
    expect(outcome.fromSha).toBe(first);
    expect(fake.labels('api').map((l) => l.name)).toEqual(['keep']);
    expect(graphqlRequests()).toBe(2);
  });

  it('says so when there is none, and starts a full run to prune what was removed meanwhile', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    const enqueued: unknown[] = [];
    const context = { ...workerContext(fake), enqueueFullRun: async (j: unknown) => void enqueued.push(j) };
    fake.addRepo({ name: CONFIG_REPO });
    const head = fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/api.yml': repoFile('api', '  description: b\n') });
    await processConvergeJob(job, context);
    expect(fake.repo('api').description).toBe('b');
    expect(enqueued).toEqual([{ ...job, reason: 'schedule' }]);
    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.head_sha === head && r.name === 'Converge apply')!;
    expect(run.output.summary).toContain('No converged commit was found');
    expect(run.output.summary).toContain('A full run was started');
  });

  it('stops at the documented maximum, and reports that it looked that far', async () => {
    fake.addRepo({ name: CONFIG_REPO });
    const client = await workerContext(fake).auth(1);
    const first = fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS });
    await client.rest.checks.create({ owner: 'acme', repo: CONFIG_REPO, name: 'Converge apply', head_sha: first, status: 'completed', conclusion: 'success' });
    let head = first;
    for (let i = 0; i < 250; i++) head = fake.commit(CONFIG_REPO, { 'notes.md': `${i}\n` });
    fake.resetLog();
    const { findLastConverged } = await import('../../src/github-app/progress.js');
    expect(await findLastConverged(client, { owner: 'acme', repo: CONFIG_REPO }, head, 'Converge apply', { maxCommits: 200 })).toEqual({ sha: undefined, searched: 200, truncated: true });
    expect(graphqlRequests()).toBe(2);
    // Another app's check run of the same name is no progress marker.
    expect((await findLastConverged(client, { owner: 'acme', repo: CONFIG_REPO }, head, 'Converge apply', { appId: 999 })).sha).toBeUndefined();
    expect((await findLastConverged(client, { owner: 'acme', repo: CONFIG_REPO }, head, 'Converge apply', { appId: 1 })).sha).toBe(first);
  });
});
