/**
 * The scaled-out deployment of the README and docker-compose.yml: one `npm run start:web`
 * and two `npm run start:worker` processes sharing one Redis, against the fake GitHub over
 * HTTP. Workers are stopped and killed mid-convergence the way orchestrators do it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';
import { deliver, pushEvent } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';

const SETTINGS = 'providers:\n  github: {}\n';
const labels = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `kind: github.label\nname: api/${prefix}-${i}\nspec:\n  color: "0e8a16"\n`).join('---\n');

describe('start:web with two start:worker processes', () => {
  let stack: Stack;
  let web: ShippedProcess;
  const workers: ShippedProcess[] = [];
  let url: string;
  // Each label create takes 400 ms, so a convergence of 8 labels is still running when signalled.
  const WORKER_ENV = { CONVERGE_APPLY_CONCURRENCY: '1', CONVERGE_WORKER_CONCURRENCY: '1' };

  const startWorker = async (name: string) => {
    const worker = await stack.start('start:worker', { name, env: WORKER_ENV });
    await worker.waitForLog((l) => l.msg === 'workers started', `${name} started`);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    stack = await startStack();
    stack.fake.addRepo({ name: CONFIG_REPO });
    stack.fake.addRepo({ name: 'api' });
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS });
    stack.fake.delay({ method: 'POST', path: /^\/repos\/acme\/api\/labels$/, ms: 400 });
    web = await stack.start('start:web');
    await web.waitForLog((l) => l.msg === 'web server listening', 'web server listening');
    url = stack.webhookUrl(web.ports.web);
    await Promise.all([startWorker('worker-1'), startWorker('worker-2')]);
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const applyRun = (sha: string) =>
    stack.fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge apply' && r.head_sha === sha && r.status === 'completed');
  const labelPosts = () => stack.fake.count({ method: 'POST', path: '/repos/acme/api/labels' });

  /** Pushes a commit to the default branch and sends its push webhook; returns the new head. */
  async function merge(files: Record<string, string>) {
    const before = stack.fake.head(CONFIG_REPO)!;
    const after = stack.fake.commit(CONFIG_REPO, files);
    expect((await deliver(url, SECRET, 'push', pushEvent(stack.fake, CONFIG_REPO, before, after))).status).toBe(200);
    return after;
  }

  const runningConverge = () =>
    waitFor(() => workers.find((w) => w.lines.some((l) => l.msg === 'job started' && l.job === 'converge' && !w.lines.some((e) => e.msg === 'job finished' && e.jobId === l.jobId))), 'a worker running the convergence');

  it('lets the other worker finish a convergence whose worker was killed mid-apply', async () => {
    const posts = labelPosts();
    const head = await merge({ 'labels/killed.yml': labels('killed', 8) });
    const victim = await runningConverge();
    await waitFor(() => labelPosts() > posts, 'the first label write');
    victim.signal('SIGKILL');
    await victim.exited;
    workers.splice(workers.indexOf(victim), 1);

    const run = await waitFor(() => applyRun(head), 'the apply check run from the surviving worker', 90_000);
    expect(run.conclusion).toBe('success');
    expect(stack.fake.labels('api').filter((l) => l.name.startsWith('killed-'))).toHaveLength(8);
    // The survivor re-plans: labels the killed worker made are not created twice.
    expect(labelPosts() - posts).toBe(8);
    // No apply check run left open by the dead worker. (A full run the first convergence asked
    // for may be running meanwhile: that one is not the dead worker's.)
    expect(stack.fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge apply' && r.status !== 'completed')).toEqual([]);
    await startWorker('worker-3');
  }, 150_000);

  it('finishes the active convergence on SIGTERM before the worker exits', async () => {
    const head = await merge({ 'labels/stopped.yml': labels('stopped', 6) });
    const worker = await runningConverge();
    const posts = labelPosts();
    await waitFor(() => labelPosts() > posts || applyRun(head), 'the first label write');
    worker.signalApp('SIGTERM');
    expect(await worker.exited).toBe(0);
    workers.splice(workers.indexOf(worker), 1);
    // It exited only after its check run was completed and every label was written.
    const run = applyRun(head);
    expect(run?.conclusion).toBe('success');
    expect(stack.fake.labels('api').filter((l) => l.name.startsWith('stopped-'))).toHaveLength(6);
    const log = worker.lines.map((l) => l.msg);
    expect(log.indexOf('stopping: finishing active jobs, then exiting')).toBeLessThan(log.lastIndexOf('job finished'));
    expect(worker.output.split('\n').filter((l) => l.trim() && !l.startsWith('{') && !l.startsWith('>'))).toEqual([]);
  }, 120_000);

  it('runs a full run enqueued with `npm run full-run -- owner/repo`', async () => {
    if (workers.length === 0) await startWorker('worker-4');
    // The first convergence asked for a full run of its own: this test's is the one after the CLI's.
    await waitFor(() => stack.fake.checkRuns(CONFIG_REPO).every((r) => r.status === 'completed'), 'earlier check runs to finish');
    const before = Math.max(0, ...stack.fake.checkRuns(CONFIG_REPO).map((r) => r.id));
    const cli = await stack.start('full-run', { args: [`acme/${CONFIG_REPO}`] });
    expect(await cli.exited).toBe(0);
    expect(cli.output).toContain(`Full run of acme/${CONFIG_REPO} enqueued`);
    const run = await waitFor(
      () => stack.fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge full run' && r.id > before && r.status === 'completed'),
      'the full-run check run',
    );
    expect(run.conclusion, `${run.output.title}\n${run.output.summary}\n${run.output.text}`).toBe('success');
    expect(stack.fake.assertClean()).toBeUndefined();
  }, 120_000);
});
