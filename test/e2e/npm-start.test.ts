/**
 * `npm start` (web and worker in one process) against the fake GitHub over HTTP, driven only
 * by signed webhooks: what a user of a single-process deployment sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';
import { commentEvent, deliver, mergePull, pullRequestEvent, pushEvent } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';

const SETTINGS = 'providers:\n  github: {}\n';
const apiFile = (description: string, labels = '') =>
  `kind: github.repository\nname: api\nspec:\n  description: ${description}\n${labels}`;
const bugLabel = '---\nkind: github.label\nname: api/bug\nspec:\n  color: d73a4a\n';

describe('npm start', () => {
  let stack: Stack;
  let app: ShippedProcess;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    stack.fake.addRepo({ name: CONFIG_REPO });
    stack.fake.addRepo({ name: 'api', description: 'old' });
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/api.yml': apiFile('old') });
    ({ app, url } = await stack.startApp());
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const checkRun = (name: string, sha: string) =>
    stack.fake.checkRuns(CONFIG_REPO).find((r) => r.name === name && r.head_sha === sha && r.status === 'completed');

  it('plans a PR as a check run, then applies it on merge and comments once on the PR', async () => {
    const { fake } = stack;
    const files = { 'repos/api.yml': apiFile('Public API', bugLabel) };
    const head = fake.commit(CONFIG_REPO, files, { branch: 'describe-api' });
    const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'describe-api' } });

    const opened = await deliver(url, SECRET, 'pull_request', pullRequestEvent(fake, CONFIG_REPO, pull));
    expect(opened.status).toBe(200);
    const plan = await waitFor(() => checkRun('Converge plan', head), 'the plan check run');
    expect(plan.conclusion).toBe('success');
    expect(plan.output.summary + (plan.output.text ?? '')).toMatch(/api/);
    expect(plan.output.text ?? '').toMatch(/Public API/);
    expect(fake.repo('api').description).toBe('old');
    expect(fake.count({ method: 'PATCH', path: '/repos/acme/api' })).toBe(0);

    const before = fake.head(CONFIG_REPO)!;
    const merged = mergePull(fake, CONFIG_REPO, pull, files);
    expect((await deliver(url, SECRET, 'push', pushEvent(fake, CONFIG_REPO, before, merged))).status).toBe(200);
    const apply = await waitFor(() => checkRun('Converge apply', merged), 'the apply check run');
    expect(apply.conclusion).toBe('success');
    expect(fake.repo('api').description).toBe('Public API');
    expect(fake.labels('api').map((l) => l.name)).toContain('bug');
    await waitFor(() => fake.comments(CONFIG_REPO, pull.number).length > 0, 'the comment on the merged PR');
    expect(fake.comments(CONFIG_REPO, pull.number)).toHaveLength(1);
    expect(fake.assertClean()).toBeUndefined();
  });

  it('plans a PR that archives a repository as needing care, first in the summary, not as plain success', async () => {
    const { fake } = stack;
    const head = fake.commit(CONFIG_REPO, { 'repos/api.yml': `${apiFile('Public API', bugLabel).replace('spec:\n', 'spec:\n  archived: true\n')}` }, { branch: 'archive-api' });
    const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'archive-api' } });
    expect((await deliver(url, SECRET, 'pull_request', pullRequestEvent(fake, CONFIG_REPO, pull))).status).toBe(200);
    const plan = await waitFor(() => checkRun('Converge plan', head), 'the plan check run');
    expect(plan.conclusion).toBe('neutral');
    expect(plan.output.title).toMatch(/^Needs care: 1 destructive · 1 to update$/);
    expect(plan.output.summary).toMatch(/^⚠️ \*\*Needs care: 1 destructive\.\*\*/);
    expect(plan.output.summary).toContain('🛑 **Destructive:** Archives repository api: it becomes read-only.');
    expect(fake.repo('api').archived).not.toBe(true);
  });

  it('serves liveness, readiness and metrics that count the convergence', async () => {
    const web = `http://127.0.0.1:${app.ports.web}`;
    const ops = `http://127.0.0.1:${app.ports.ops}`;
    for (const base of [web, ops]) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    }
    const metrics = await (await fetch(`${web}/metrics`)).text();
    expect(metrics).toMatch(/converge_jobs_total\{type="converge",outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/converge_jobs_total\{type="plan",outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/converge_webhook_deliveries_total\{event="push",outcome="enqueued"\} [1-9]/);
    expect(metrics).toMatch(/converge_changes_total\{[^}]*outcome="applied"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/converge_queue_jobs\{queue="converge",state="waiting"\} \d/);
    expect(metrics).toMatch(/converge_github_rate_limit_remaining\{[^}]*resource="core"[^}]*\} \d+/);
    const started = app.lines.find((l) => l.msg === 'job finished' && l.job === 'converge' && typeof l.checkRunUrl === 'string');
    expect(started?.durationMs).toEqual(expect.any(Number));
    expect(app.lines.some((l) => l.msg === 'webhook enqueued' && l.event === 'push')).toBe(true);
  });

  it('opens a drift issue for a hand-made change on an admin\'s /converge full-run, and closes it once undone', async () => {
    const { fake } = stack;
    fake.setMember('alice', 'admin');
    fake.setCollaborator(CONFIG_REPO, 'alice', 'admin');
    const ask = fake.addIssue(CONFIG_REPO, { title: 'Check the org' });
    const fullRun = async () => {
      const comment = fake.addComment(CONFIG_REPO, ask.number, '/converge full-run', 'alice');
      const delivery = await deliver(url, SECRET, 'issue_comment', commentEvent(fake, CONFIG_REPO, ask, { id: comment.id, body: comment.body, login: 'alice' }));
      expect(delivery.status).toBe(200);
      const runs = () => fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run' && r.status === 'completed').length;
      const before = runs();
      await waitFor(() => runs() > before, 'the full run to finish');
    };
    const driftIssues = () => fake.issues(CONFIG_REPO).filter((i) => i.labels.includes('converge-drift'));

    fake.repo('api').description = 'changed by hand';
    await fullRun();
    const [opened] = driftIssues();
    expect(opened?.state).toBe('open');
    expect(opened?.body).toContain('changed by hand');
    expect(opened?.body).toContain('github.repository/api');

    fake.repo('api').description = 'Public API';
    await fullRun();
    expect(driftIssues().map((i) => i.state)).toEqual(['closed']);
  });

  it('keeps converging after Redis is flushed under the running worker', async () => {
    const { fake } = stack;
    await stack.redis.client.flushall();
    const before = fake.head(CONFIG_REPO)!;
    const head = fake.commit(CONFIG_REPO, { 'repos/api.yml': apiFile('After the flush', bugLabel) });
    expect((await deliver(url, SECRET, 'push', pushEvent(fake, CONFIG_REPO, before, head))).status).toBe(200);
    const apply = await waitFor(() => checkRun('Converge apply', head), 'the apply check run after the flush');
    expect(apply.conclusion).toBe('success');
    expect(fake.repo('api').description).toBe('After the flush');
  });

  it('answers a forged or unsigned webhook with 4xx and sends no request at all', async () => {
    const { fake } = stack;
    const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'describe-api' } });
    const event = pullRequestEvent(fake, CONFIG_REPO, pull);
    // Let the earlier tests' jobs (catch-up, "already converged" re-checks) finish first.
    let seen = -1;
    await waitFor(async () => {
      const now = fake.requests.length;
      if (now === seen) return true;
      seen = now;
      await new Promise((r) => setTimeout(r, 1000));
      return false;
    }, 'the fake to be quiet');
    const requests = fake.requests.length;
    expect((await deliver(url, undefined, 'pull_request', event)).status).toBe(401);
    expect((await deliver(url, 'not-the-secret', 'pull_request', event)).status).toBe(401);
    // Give a wrongly accepted job time to reach GitHub before concluding none was sent.
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.requests.length).toBe(requests);
  });
});
