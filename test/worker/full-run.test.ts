import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/queue/connection.js';
import { Queues } from '../../src/queue/queues.js';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { startWorkers, type RunningWorkers } from '../../src/worker/index.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, repoFile, workerContext } from '../support/harness.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../support/redis.js';

const fake = installFakeGitHub();
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const full = (context = workerContext(fake)) => processFullRunJob({ ...job, reason: 'schedule' }, context);
const openDriftIssues = () => fake.issues(CONFIG_REPO).filter((i) => i.state === 'open');

function seed(settings: string, files: Record<string, string>) {
  fake.addRepo({ name: CONFIG_REPO });
  return fake.commit(CONFIG_REPO, { 'converge.yml': settings, ...files });
}

describe('full runs and drift issues', () => {
  it('opens an issue when the org drifts, and closes it once fixed by hand', async () => {
    fake.addRepo({ name: 'api', description: 'as declared' });
    seed('providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n', { 'repos/api.yml': repoFile('api', '  description: as declared\n') });
    expect((await full()).issues).toEqual({ opened: [], updated: [], closed: [] });

    fake.repo('api').description = 'changed in the UI';
    const drifted = await full();
    expect(drifted.drifted).toBe(1);
    const [issue] = openDriftIssues();
    expect(issue!.title).toBe('Drift: 1 resource differ from the config repo');
    expect(issue!.labels).toEqual(['converge-drift']);
    expect(issue!.body).toContain('github.repository/api');
    expect(issue!.body).toContain('changed in the UI');
    expect(issue!.body).toContain('repos/api.yml');
    expect(fake.repo('api').description).toBe('changed in the UI');

    // Same drift again: the same issue, found by its marker, not a second one.
    await full();
    expect(openDriftIssues().map((i) => i.number)).toEqual([issue!.number]);

    fake.repo('api').description = 'as declared';
    const fixed = await full();
    expect(fixed.issues.closed).toEqual([issue!.number]);
    expect(openDriftIssues()).toEqual([]);
    expect(fake.comments(CONFIG_REPO, issue!.number).at(-1)!.body).toContain('no drift');
  });

  it('reports extraneous live resources of managed kinds, in scope only, without deleting them', async () => {
    fake.addRepo({ name: 'api' });
    fake.addRepo({ name: 'stray' });
    fake.addRepo({ name: 'archive-old' });
    seed('providers:\n  github: {}\nscope:\n  github.repository:\n    exclude: ["archive-*", "converge-config"]\n', { 'repos/api.yml': repoFile('api', '  description: ""\n') });
    await full();
    const [issue] = openDriftIssues();
    expect(issue!.body).toContain('github.repository/stray');
    expect(issue!.body).not.toContain('archive-old');
    expect(issue!.body).toContain('prune is off');
    expect(fake.repos().map((r) => r.name)).toContain('stray');
  });

  it('reverts drift in revert mode and reports what it reverted', async () => {
    fake.addRepo({ name: 'api', description: 'declared', labels: [{ name: 'bug', color: 'd73a4a' }] });
    const head = seed('providers:\n  github: {}\ndrift:\n  mode: revert\nscope:\n  github.repository: { exclude: [converge-config] }\n', { 'repos/api.yml': repoFile('api', '  description: declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    fake.repo('api').description = 'hand edit';
    const outcome = await full();
    expect(fake.repo('api').description).toBe('declared');
    expect(outcome.reverted.map((r) => [r.change.name, r.status])).toEqual([['api', 'applied']]);
    expect(openDriftIssues()).toEqual([]);
    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge full run' && r.head_sha === head)!;
    expect(run.output.title).toBe('1 reverted, no drift left');
    expect(run.output.text).toContain('github.repository/api');
  });

  it('keeps reporting drift of kinds overridden to report mode while reverting the rest', async () => {
    fake.addRepo({ name: 'api', description: 'declared', labels: [{ name: 'bug', color: 'd73a4a' }] });
    seed('providers:\n  github: {}\ndrift:\n  mode: revert\n  kinds:\n    github.label: report\n', { 'repos/api.yml': repoFile('api', '  description: declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    fake.repo('api').description = 'hand edit';
    fake.labels('api')[0]!.color = '000000';
    await full();
    expect(fake.repo('api').description).toBe('declared');
    expect(fake.labels('api')[0]!.color).toBe('000000');
    expect(openDriftIssues()[0]!.body).toContain('github.label/api/bug');
  });

  it('opens one issue per resource when asked to', async () => {
    fake.addRepo({ name: 'a', description: 'x' });
    fake.addRepo({ name: 'b', description: 'x' });
    seed('providers:\n  github: {}\ndrift:\n  issues: per-resource\nscope:\n  github.repository: { exclude: [converge-config] }\n', { 'r.yml': repoFile('a', '  description: y\n') + '---\n' + repoFile('b', '  description: y\n') });
    await full();
    expect(openDriftIssues().map((i) => i.title).sort()).toEqual(['Drift: github.repository/a', 'Drift: github.repository/b']);
    fake.repo('a').description = 'y';
    await full();
    expect(openDriftIssues().map((i) => i.title)).toEqual(['Drift: github.repository/b']);
  });

  it('names a resource that could not be read and still reports the others', async () => {
    const target = new MemoryTarget();
    const context = workerContext(fake, { extraProviders: [memoryProvider(target) as never] });
    seed('providers:\n  mem: {}\n', { 'w.yml': 'kind: mem.widget\nname: a\nspec: { size: 1 }\n---\nkind: mem.widget\nname: b\nspec: { size: 1 }\n' });
    target.state.set('mem.widget/a', { kind: 'mem.widget', target: 'default', name: 'a', spec: { size: 5 } });
    target.state.set('mem.widget/b', { kind: 'mem.widget', target: 'default', name: 'b', spec: { size: 1 } });
    target.readFailures.add('mem.widget/b');
    await full(context);
    const body = openDriftIssues()[0]!.body!;
    expect(body).toContain('mem.widget/a');
    expect(body).toContain('mem.widget/b');
    expect(body).toContain('read timed out');
  });

  it('only lets repository admins start a full run by comment', async () => {
    seed('providers:\n  github: {}\n', {});
    fake.addIssue(CONFIG_REPO, { title: 'please', body: '/converge full-run' });
    const issue = fake.issues(CONFIG_REPO)[0]!;
    const outcome = await processFullRunJob({ ...job, reason: 'manual', requestedBy: 'octocat', requestedIn: issue.number }, workerContext(fake));
    expect(outcome.skipped).toBe('not-admin');
    expect(fake.comments(CONFIG_REPO, issue.number).at(-1)!.body).toContain('only admins');
  });
});

describe('deletions under policy', () => {
  const settings = (max: number) => `providers:\n  github: {}\nprune:\n  enabled: true\n  maxDeletionsPerRun: ${max}\n`;
  const labels = (n: number) => Array.from({ length: n }, (_, i) => labelDoc('api', `l${i}`, 'ededed')).join('---\n');
  const converge = () => processConvergeJob(job, workerContext(fake));

  it('deletes nothing when a commit would remove more than maxDeletionsPerRun, and says why', async () => {
    fake.addRepo({ name: 'api', labels: Array.from({ length: 30 }, (_, i) => ({ name: `l${i}`, color: 'ededed' })) });
    seed(settings(10), { 'labels.yml': labels(30) });
    await converge();
    const head = fake.commit(CONFIG_REPO, { 'labels.yml': null });
    const outcome = await converge();
    expect(fake.labels('api')).toHaveLength(30);
    expect(fake.count({ method: 'DELETE' })).toBe(0);
    expect(outcome.results.every((r) => r.status === 'skipped')).toBe(true);
    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.head_sha === head && r.name === 'Converge apply')!;
    expect(`${run.output.summary}${run.output.text}`).toContain('maxDeletionsPerRun (10)');
  });

  it('deletes within the cap, but never a retained resource', async () => {
    fake.addRepo({ name: 'api', labels: [{ name: 'keep', color: 'ededed' }, { name: 'drop', color: 'ededed' }] });
    const retained = 'kind: github.label\nname: api/keep\nlifecycle: { retain: true }\nspec: { color: ededed }\n';
    seed(settings(10), { 'labels.yml': retained + '---\n' + labelDoc('api', 'drop', 'ededed') });
    await converge();
    fake.commit(CONFIG_REPO, { 'labels.yml': null });
    const outcome = await converge();
    expect(fake.labels('api').map((l) => l.name)).toEqual(['keep']);
    expect(outcome.results.map((r) => [r.change.name, r.status, r.message])).toEqual(
      expect.arrayContaining([
        ['api/drop', 'applied', undefined],
        ['api/keep', 'skipped', 'lifecycle.retain is set'],
      ]),
    );
  });

  it('renames with one call and no delete', async () => {
    fake.addRepo({ name: 'api', labels: [{ name: 'bug', color: 'd73a4a' }] });
    seed(settings(10), { 'labels.yml': labelDoc('api', 'bug', 'd73a4a') });
    await converge();
    fake.resetLog();
    fake.commit(CONFIG_REPO, { 'labels.yml': 'kind: github.label\nname: api/defect\npreviousNames: [api/bug]\nspec: { color: d73a4a }\n' });
    await converge();
    expect(fake.labels('api').map((l) => l.name)).toEqual(['defect']);
    expect(fake.filter((r) => r.path.startsWith('/repos/acme/api/labels') && r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /repos/acme/api/labels/bug']);
  });
});

describe('two full runs racing', () => {
  let prefix: string;
  const connections: Redis[] = [];
  const workers: RunningWorkers[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close();
    for (const c of connections.splice(0)) c.disconnect();
    await deleteKeys(prefix);
  });

  it('leave one drift issue', async () => {
    prefix = testPrefix();
    fake.addRepo({ name: 'api', description: 'live' });
    seed('providers:\n  github: {}\n', { 'repos/api.yml': repoFile('api', '  description: declared\n') });
    const context = workerContext(fake);
    const connect = async () => {
      const c = createRedis({ url: REDIS_URL, cluster: false }) as Redis;
      await c.connect();
      connections.push(c);
      return c;
    };
    const queues = new Queues(await connect(), prefix);
    for (let i = 0; i < 2; i++) {
      workers.push(startWorkers(context, { connection: await connect(), prefix, concurrency: 2, busyRetryMs: 50, fullRun: processFullRunJob }));
    }
    // Two jobs added directly (no deduplication), so two workers really pick them at once.
    await queues.converge.add('full-run', { ...job, reason: 'schedule' });
    await queues.converge.add('full-run', { ...job, reason: 'manual' });
    for (let i = 0; i < 400; i++) {
      if ((await queues.converge.getJobCounts('completed')).completed === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await queues.converge.getJobCounts('completed')).completed).toBe(2);
    expect(openDriftIssues()).toHaveLength(1);
    await queues.close();
  });
});
