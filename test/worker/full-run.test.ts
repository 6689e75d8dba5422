import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { FullRunJob } from '../../src/queue/jobs.js';
import { Queues } from '../../src/queue/queues.js';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { startWorkers, type RunningWorkers } from '../../src/worker/index.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, repoFile, workerContext } from '../support/harness.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';
import { connectRedis, deleteKeys, testPrefix } from '../support/redis.js';

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
    expect((await full()).issues).toEqual({ opened: [], updated: [], unchanged: [], closed: [] });

    fake.repo('api').description = 'changed in the UI';
    const drifted = await full();
    expect(drifted.drifted).toBe(1);
    const [issue] = openDriftIssues();
    expect(issue!.title).toBe('Drift: 1 resource differs from the configuration');
    expect(issue!.labels).toEqual(['converge-drift']);
    expect(issue!.body).toContain('github.repository/api');
    expect(issue!.body).toContain('changed in the UI');
    expect(issue!.body).toContain('repos/api.yml');
    expect(fake.repo('api').description).toBe('changed in the UI');

    expect(issue!.body).not.toContain('would apply');

    // Same drift again: the same issue, found by its marker, not a second one, and not edited.
    fake.resetLog();
    expect((await full()).issues.unchanged).toEqual([issue!.number]);
    expect(openDriftIssues().map((i) => i.number)).toEqual([issue!.number]);
    expect(fake.count({ method: 'PATCH', path: new RegExp(`/issues/${issue!.number}$`) })).toBe(0);

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
    // The check run's title and summary agree, and the summary links to the issue, which links back.
    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge full run')!;
    const issueUrl = `https://github.com/acme/${CONFIG_REPO}/issues/${issue!.number}`;
    expect(run.output.title).toBe(`0 reverted, 1 extraneous left (#${issue!.number})`);
    expect(run.output.summary).toMatch(/^⚠️ \*\*1 item left: 1 extraneous\.\*\* The live state differs from the configuration; see /);
    expect(run.output.summary).toContain(`[#${issue!.number}](${issueUrl})`);
    expect(run.output.summary).not.toMatch(/Nothing to apply|already matches/);
    expect(issue!.body).toContain(`[full run](https://github.com/acme/${CONFIG_REPO}/runs/${run.id})`);
    expect(issue!.body).toContain(`(https://github.com/acme/${CONFIG_REPO}/commit/${run.head_sha})`);
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

  it('edits the issue in place as items resolve, with a dated history', async () => {
    fake.addRepo({ name: 'a', description: 'x' });
    fake.addRepo({ name: 'b', description: 'x' });
    seed('providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n', { 'r.yml': repoFile('a', '  description: y\n') + '---\n' + repoFile('b', '  description: y\n') });
    await full();
    const [issue] = openDriftIssues();
    expect(issue!.body).toContain('**2 items:** 2 drifted');
    fake.repo('a').description = 'y';
    const outcome = await full();
    expect(outcome.issues.updated).toEqual([issue!.number]);
    const body = openDriftIssues()[0]!.body!;
    expect(body).toContain('**1 item:** 1 drifted');
    expect(body).not.toContain('### Drifted: <code>github.repository/a</code>');
    const history = body.slice(body.indexOf('## History')).split('\n').filter((l) => l.startsWith('- '));
    expect(history).toEqual([
      expect.stringMatching(/^- \d{4}-\d\d-\d\d \d\d:\d\d UTC — resolved: <code>github\.repository\/a<\/code>$/),
      expect.stringMatching(/ UTC — appeared: <code>github\.repository\/a<\/code> \(description\), <code>github\.repository\/b<\/code> \(description\)$/),
    ]);
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

  it('fails its check run with a redacted message when it stops, never the raw error text', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    seed('providers:\n  github: {}\n', { 'repos/api.yml': repoFile('api', '  description: a\n') });
    const token = `ghs_${'A1b2'.repeat(9)}`;
    // Listing the drift issues fails with GitHub's message echoing a token-looking string.
    fake.failNext({ method: 'GET', path: new RegExp(`^/repos/acme/${CONFIG_REPO}/issues$`), status: 422, body: { message: `Validation Failed near ${token}` } });
    await expect(full()).rejects.toMatchObject({ retryable: false });
    const [run] = fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run');
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run!.output.title).toBe('The full run did not finish');
    expect(run!.output.summary).toContain('Validation Failed near [REDACTED]');
    expect(JSON.stringify(run!.output)).not.toContain(token);
  });

  it('only lets repository admins start a full run by comment', async () => {
    seed('providers:\n  github: {}\n', {});
    fake.addIssue(CONFIG_REPO, { title: 'please', body: '/converge full-run' });
    const issue = fake.issues(CONFIG_REPO)[0]!;
    const comment = fake.addComment(CONFIG_REPO, issue.number, '/converge full-run', 'octocat');
    const outcome = await processFullRunJob({ ...job, reason: 'manual', commentId: comment.id, requestedBy: 'octocat', requestedIn: issue.number }, workerContext(fake));
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
    const connect = () => connectRedis(connections);
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

describe("Converge's own footprint", () => {
  const configRepoWrites = () => fake.filter((r) => r.method === 'DELETE' && r.path.startsWith(`/repos/acme/${CONFIG_REPO}`));

  it('is never deleted by a full run with prune on, revert mode and the default scope, and leaves no drift issue open', async () => {
    fake.addRepo({ name: 'api', description: 'declared', labels: [{ name: 'bug', color: 'd73a4a' }] });
    fake.addRepo({ name: 'stray' });
    fake.addRepo({ name: CONFIG_REPO, description: 'hand edit', labels: [{ name: 'converge-drift', color: 'ededed' }, { name: 'question', color: 'd876e3' }] });
    // The user declares the config repo to manage its description: that field is managed, the repo never deleted.
    const settings = 'providers:\n  github: {}\ndrift:\n  mode: revert\nprune:\n  enabled: true\n  maxDeletionsPerRun: 20\n';
    const files = {
      'repos/api.yml': repoFile('api', '  description: declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a'),
      'repos/config.yml': repoFile(CONFIG_REPO, '  description: Converge config\n'),
    };
    fake.commit(CONFIG_REPO, { 'converge.yml': settings, ...files });
    const outcome = await full();
    expect(configRepoWrites()).toEqual([]);
    expect(fake.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/repos/acme/stray']);
    expect(fake.repos().map((r) => r.name).sort()).toEqual(['api', CONFIG_REPO]);
    expect(fake.labels(CONFIG_REPO).map((l) => l.name).sort()).toEqual(['converge-drift', 'question']);
    expect(fake.repo(CONFIG_REPO).description).toBe('Converge config');
    expect(outcome.drifted).toBe(0);
    expect(openDriftIssues()).toEqual([]);

    // Removing the declaration with prune on: the convergence keeps the repo and says why.
    await processConvergeJob(job, workerContext(fake));
    fake.commit(CONFIG_REPO, { 'repos/config.yml': null });
    const converged = await processConvergeJob(job, workerContext(fake));
    expect(configRepoWrites()).toEqual([]);
    expect(fake.repos().map((r) => r.name)).toContain(CONFIG_REPO);
    expect(converged.results.map((r) => [r.change.name, r.status, r.message])).toEqual([
      [CONFIG_REPO, 'skipped', expect.stringContaining("Converge's own footprint")],
    ]);
  });

  it('is never reported as extraneous in report mode, so the drift issue closes once the drift is fixed', async () => {
    fake.addRepo({ name: 'api', description: 'declared', labels: [{ name: 'bug', color: 'd73a4a' }] });
    fake.addRepo({ name: CONFIG_REPO, labels: [{ name: 'question', color: 'd876e3' }] });
    fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', 'repos/api.yml': repoFile('api', '  description: declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    fake.repo('api').description = 'changed in the UI';
    await full();
    const [issue] = openDriftIssues();
    expect(issue!.body).toContain('github.repository/api');
    // The issue's own label (converge-drift, created with the issue) and the config repo stay out of it
    // (the body links to the config repo's run and commit, but lists no item of it).
    expect(issue!.body).toContain('**1 item:** 1 drifted');
    expect(issue!.body).not.toContain(`/${CONFIG_REPO}</code>`);
    expect(issue!.body).not.toContain('converge-drift');
    await full();
    expect(openDriftIssues()[0]!.body).not.toContain('converge-drift');

    fake.repo('api').description = 'declared';
    const fixed = await full();
    expect(fixed.issues.closed).toEqual([issue!.number]);
    expect(openDriftIssues()).toEqual([]);
  });
});

describe('what a full run reads', () => {
  const rulesetDoc = (repo: string, enforcement: string) =>
    `kind: github.ruleset\nname: ${repo}/protect main\nspec:\n  enforcement: ${enforcement}\n  conditions: { refName: { include: ["~DEFAULT_BRANCH"], exclude: [] } }\n  rules: [{ type: deletion }]\n`;
  const liveRuleset = (enforcement: string) => ({
    name: 'protect main',
    target: 'branch',
    enforcement,
    conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
    rules: [{ type: 'deletion' }],
  });

  it("fails only the repository whose list fails, by name, and still reports the others' drift", async () => {
    fake.addRepo({ name: 'api' });
    fake.addRepo({ name: 'web' });
    fake.addRuleset('api', liveRuleset('disabled'));
    seed('providers:\n  github: {}\nprune:\n  enabled: true\ndrift:\n  mode: revert\nscope:\n  github.repository: { exclude: [converge-config] }\n', {
      'repos.yml': repoFile('api', '  description: ""\n') + '---\n' + repoFile('web', '  description: ""\n'),
      'rulesets.yml': rulesetDoc('api', 'active') + '---\n' + rulesetDoc('web', 'active'),
    });
    fake.failNext({ method: 'GET', path: /^\/repos\/acme\/web\/rulesets$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const outcome = await full();
    // api's ruleset is reverted; web's is neither created nor deleted, and is named as unreadable.
    expect(fake.rulesets('api').map((r) => r.enforcement)).toEqual(['active']);
    expect(fake.rulesets('web')).toEqual([]);
    expect(outcome.reverted.map((r) => [r.change.name, r.status])).toEqual([['api/protect main', 'applied']]);
    const body = openDriftIssues()[0]!.body!;
    expect(body).toContain('github.ruleset/web/protect main');
    expect(body).toContain('<code>github.ruleset/web/\\*</code>');
    expect(body).toContain('Resource not accessible by integration');
    expect(body).not.toContain('github.ruleset/api/protect main');
  });

  it('reads every kind named in scope, so extraneous teams show up in an org that declares none', async () => {
    fake.addRepo({ name: 'api' });
    fake.addTeam({ name: 'strays' });
    seed('providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n  github.team: { include: ["**"] }\n', { 'repos/api.yml': repoFile('api', '  description: ""\n') });
    const outcome = await full();
    expect(outcome.drifted).toBe(1);
    const body = openDriftIssues()[0]!.body!;
    expect(body).toContain('github.team/strays');
    expect(body).toContain('prune is off');
    expect(fake.teams().map((t) => t.name)).toEqual(['strays']);
  });
});

describe('who can start a full run by comment', () => {
  const request = (commentId: number | undefined, extra: Partial<FullRunJob> = {}): FullRunJob => ({
    ...job,
    reason: 'manual',
    ...(commentId === undefined ? {} : { commentId }),
    requestedBy: 'owner',
    requestedIn: 1,
    ...extra,
  });
  /** Everything but the app's token: what the job read and wrote. */
  const calls = () => fake.filter((r) => !r.path.startsWith('/app')).map((r) => r.route ?? `${r.method} ${r.path}`);
  const fullRuns = () => fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run');

  function setUp() {
    seed('providers:\n  github: {}\n', {});
    fake.setMember('owner', 'admin');
    fake.addUser('mallory');
    const issue = fake.addIssue(CONFIG_REPO, { title: 'run it' });
    fake.resetLog();
    return issue.number;
  }

  it('runs for an admin, confirmed through the API, and answers where the comment is', async () => {
    const number = setUp();
    const comment = fake.addComment(CONFIG_REPO, number, 'please\n/converge full-run', 'owner');
    const outcome = await processFullRunJob(request(comment.id, { requestedIn: 999 }), workerContext(fake));
    expect(outcome.skipped).toBeUndefined();
    expect(fullRuns()).toHaveLength(1);
    expect(calls().slice(0, 2)).toEqual([
      'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
    ]);
    expect(fake.comments(CONFIG_REPO, number).at(-1)!.body).toMatch(/^Full run finished/);
  });

  it('answers an admin whose request meets an invalid configuration at head, and runs nothing', async () => {
    seed('providers:\n  github: {}\n', { 'repos/api.yml': 'kind: github.repository\nname: api\nspec:\n  descripton: typo\n' });
    fake.setMember('owner', 'admin');
    const number = fake.addIssue(CONFIG_REPO, { title: 'run it' }).number;
    const comment = fake.addComment(CONFIG_REPO, number, '/converge full-run', 'owner');
    const outcome = await processFullRunJob(request(comment.id, { requestedIn: number }), workerContext(fake));
    expect(outcome.skipped).toBe('invalid-config');
    expect(fullRuns()).toEqual([]);
    const reply = fake.comments(CONFIG_REPO, number).at(-1)!.body;
    expect(reply).toMatch(/^Converge did not start a full run: .*invalid/);
    expect(reply).toContain('repos/api.yml:4');
    expect(reply).toContain('/checks)');
  });

  it('runs nothing for a forged delivery naming an owner when the comment is by someone else', async () => {
    const number = setUp();
    const comment = fake.addComment(CONFIG_REPO, number, '/converge full-run --allow-deletions', 'mallory');
    const outcome = await processFullRunJob(request(comment.id, { overrideMaxDeletions: true }), workerContext(fake));
    expect(outcome.skipped).toBe('not-admin');
    expect(fullRuns()).toEqual([]);
    expect(calls()).toEqual([
      'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
    expect(fake.filter({ route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission' })[0]!.path).toContain('/mallory/');
    const reply = fake.comments(CONFIG_REPO, number).at(-1)!.body;
    expect(reply).toContain('@mallory only admins');
    expect(reply).not.toContain('@owner');
  });

  it.each([
    ['the comment does not exist', () => 424242, 'no longer exists'],
    ['the comment was edited and no longer asks', (n: number) => fake.addComment(CONFIG_REPO, n, 'never mind', 'owner').id, 'no longer asks for a full run'],
    ['the comment asks without --allow-deletions', (n: number) => fake.addComment(CONFIG_REPO, n, '/converge full-run', 'owner').id, '--allow-deletions'],
    ['the author is a deleted account', (n: number) => fake.addComment(CONFIG_REPO, n, '/converge full-run --allow-deletions', null).id, 'no known author'],
  ])('runs nothing when %s, and says why', async (_, makeComment, why) => {
    const number = setUp();
    const outcome = await processFullRunJob(request(makeComment(number), { requestedIn: number, overrideMaxDeletions: true }), workerContext(fake));
    expect(outcome.skipped).toBe('unverified');
    expect(fullRuns()).toEqual([]);
    expect(fake.count({ path: /\/tarball\// })).toBe(0);
    expect(fake.count({ route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission' })).toBe(0);
    expect(fake.comments(CONFIG_REPO, number).at(-1)!.body).toContain(why);
  });

  it('runs nothing for a request that names a requester but no comment', async () => {
    const number = setUp();
    const outcome = await processFullRunJob(request(undefined, { requestedIn: number }), workerContext(fake));
    expect(outcome.skipped).toBe('unverified');
    expect(calls()).toEqual(['POST /repos/{owner}/{repo}/issues/{issue_number}/comments']);
  });

  it('runs nothing when the permission cannot be looked up: refused on 403, retried on 5xx', async () => {
    const number = setUp();
    const comment = fake.addComment(CONFIG_REPO, number, '/converge full-run', 'owner');
    fake.failNext({ method: 'GET', path: /\/permission$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    expect((await processFullRunJob(request(comment.id), workerContext(fake))).skipped).toBe('unverified');
    expect(fake.comments(CONFIG_REPO, number).at(-1)!.body).toContain('could not be checked');
    fake.failNext({ method: 'GET', path: /\/permission$/, status: 502 });
    await expect(processFullRunJob(request(comment.id), workerContext(fake))).rejects.toMatchObject({ retryable: true });
    expect(fullRuns()).toEqual([]);
  });

  describe('through the queue', () => {
    let prefix: string;
    const connections: Redis[] = [];
    let workers: RunningWorkers | undefined;
    afterEach(async () => {
      await workers?.close();
      workers = undefined;
      for (const c of connections.splice(0)) c.disconnect();
      await deleteKeys(prefix);
    });

    it('a waiting refused request does not swallow a later admin request with --allow-deletions', async () => {
      prefix = testPrefix();
      fake.addRepo({ name: 'api', labels: [{ name: 'keep', color: 'ededed' }, { name: 'old-1', color: 'ededed' }, { name: 'old-2', color: 'ededed' }] });
      seed('providers:\n  github: {}\ndrift:\n  mode: revert\nprune:\n  enabled: true\n  maxDeletionsPerRun: 1\nscope:\n  github.label: { include: ["api/*"] }\n', {
        'labels.yml': labelDoc('api', 'keep', 'ededed'),
      });
      fake.setMember('owner', 'admin');
      const issue = fake.addIssue(CONFIG_REPO, { title: 'clean up' });
      const refused = fake.addComment(CONFIG_REPO, issue.number, '/converge full-run', 'mallory');
      const admin = fake.addComment(CONFIG_REPO, issue.number, '/converge full-run --allow-deletions', 'owner');
      const connect = () => connectRedis(connections);
      const queues = new Queues(await connect(), prefix);
      const asked = { ...job, reason: 'manual' as const, requestedIn: issue.number };
      await queues.enqueueFullRun({ ...asked, commentId: refused.id, requestedBy: 'mallory' });
      await queues.enqueueFullRun({ ...asked, commentId: admin.id, requestedBy: 'owner', overrideMaxDeletions: true });
      workers = startWorkers(workerContext(fake), { connection: await connect(), prefix, concurrency: 1, busyRetryMs: 50, fullRun: processFullRunJob });
      for (let i = 0; i < 400 && (await queues.converge.getJobCounts('completed')).completed! < 2; i++) await new Promise((r) => setTimeout(r, 50));
      await queues.close();
      expect(fake.labels('api').map((l) => l.name)).toEqual(['keep']);
      const replies = fake.comments(CONFIG_REPO, issue.number).map((c) => c.body).filter((b) => !b.startsWith('/converge'));
      expect(replies).toEqual(expect.arrayContaining([expect.stringContaining('@mallory only admins'), expect.stringMatching(/^Full run finished/)]));
    });
  });
});
