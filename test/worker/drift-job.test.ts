import { describe, expect, it } from 'vitest';
import type { DriftMark } from '../../src/queue/drift-marks.js';
import { resourceKey as resourceKeyOf } from '../../src/core/resource.js';
import { processDriftJob, type DriftJobDeps } from '../../src/worker/drift-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, repoFile, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const NOW = new Date('2026-12-03T12:03:00Z');
const openDriftIssues = () => fake.issues(CONFIG_REPO).filter((i) => i.state === 'open');
const alice: DriftMark = { sender: 'alice', at: '2026-12-03T12:00:00Z', url: 'https://github.com/acme/api', event: 'repository.edited' };

function seed(settings: string, files: Record<string, string>) {
  fake.addRepo({ name: CONFIG_REPO });
  return fake.commit(CONFIG_REPO, { 'converge.yml': settings, ...files });
}

/** Marks as the handler left them, and revert counts kept in memory (Redis in production). */
function deps(marks: Record<string, DriftMark>, counts = new Map<string, number>()): DriftJobDeps {
  const pending = new Map(Object.entries(marks));
  return {
    marks: {
      drain: async () => {
        const drained = new Map(pending);
        pending.clear();
        return drained;
      },
    },
    reverts: { count: async (_job, key) => counts.get(key) ?? 0, record: async (_job, key) => void counts.set(key, (counts.get(key) ?? 0) + 1) },
    now: () => NOW,
  };
}

/** Requests to the managed org (the target), not to the config repo, its issues or tokens. */
const targetRequests = () =>
  fake.filter((r) => !r.path.includes(`/${CONFIG_REPO}`) && !/access_tokens|^\/app/.test(r.path) && !(r.kind === 'graphql' && JSON.stringify(r.body).includes(CONFIG_REPO)));

const REPORT = 'providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n';
const REVERT = 'providers:\n  github: {}\ndrift:\n  mode: revert\nscope:\n  github.repository: { exclude: [converge-config] }\n';

describe('drift checks after events', () => {
  it('reports a hand change in the drift issue, naming who made it, without a full run', async () => {
    fake.addRepo({ name: 'api', description: 'as declared' });
    fake.addRepo({ name: 'web', description: 'as declared' });
    seed(REPORT, { 'repos/api.yml': repoFile('api', '  description: as declared\n'), 'repos/web.yml': repoFile('web', '  description: as declared\n') });
    fake.repo('api').description = 'changed in the UI';
    fake.resetLog();
    const outcome = await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }));
    expect(outcome).toMatchObject({ checked: ['github.repository/api'], drifted: 1, reverted: [] });
    const [issue, ...more] = openDriftIssues();
    expect(more).toEqual([]);
    expect(issue!.title).toBe('Drift: 1 resource differs from the configuration');
    expect(issue!.body).toContain('changed in the UI');
    expect(issue!.body).toContain('Changed by @alice [3 minutes ago](https://github.com/acme/api) (2026-12-03 12:00 UTC).');
    // Only the marked repository was read: no bulk read, no check run of a full run.
    expect(targetRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/acme/api']);
    expect(targetRequests().some((r) => r.path.includes('/web'))).toBe(false);
    expect(fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run')).toEqual([]);
  });

  it("keeps what the full run found, marks it as the full run's, and closes the issue once nothing is left", async () => {
    fake.addRepo({ name: 'api', description: 'as declared', labels: [{ name: 'bug', color: 'd73a4a' }] });
    seed(REPORT, { 'repos/api.yml': repoFile('api', '  description: as declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    fake.labels('api')[0]!.color = '000000';
    await processFullRunJob({ ...job, reason: 'schedule' }, workerContext(fake));
    fake.repo('api').description = 'changed in the UI';
    await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }));
    const [issue] = openDriftIssues();
    expect(issue!.title).toBe('Drift: 2 resources differ from the configuration');
    expect(issue!.body).toContain('github.label/api/bug');
    expect(issue!.body).toContain('Found by the full run.');
    expect(issue!.body).toContain('Changed by @alice');

    // Fixed by hand: the check removes the repository and keeps the label.
    fake.repo('api').description = 'as declared';
    await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': { ...alice, sender: 'bob' } }));
    const [kept] = openDriftIssues();
    expect(kept!.title).toBe('Drift: 1 resource differs from the configuration');
    expect(kept!.body).not.toContain('Drifted: <code>github.repository/api</code>');
    expect(kept!.body).toContain('github.label/api/bug');

    fake.labels('api')[0]!.color = 'd73a4a';
    await processDriftJob(job, workerContext(fake), deps({ 'github.label/api/bug': { ...alice, event: 'label.edited' } }));
    expect(openDriftIssues()).toEqual([]);
    expect(fake.comments(CONFIG_REPO, kept!.number).at(-1)!.body).toContain('found nothing left here');
  });

  it('reverts at once in revert mode and records what it reverted and whose change it was', async () => {
    fake.addRepo({ name: 'api', description: 'declared' });
    seed(REVERT, { 'repos/api.yml': repoFile('api', '  description: declared\n') });
    fake.repo('api').description = 'hand edit';
    fake.resetLog();
    const outcome = await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }));
    expect(fake.repo('api').description).toBe('declared');
    expect(outcome.reverted.map((r) => [r.change.name, r.status])).toEqual([['api', 'applied']]);
    expect(targetRequests().length).toBeLessThanOrEqual(3);
    expect(openDriftIssues()).toEqual([]);
    const [record] = fake.issues(CONFIG_REPO);
    expect(record!.state).toBe('closed');
    expect(record!.body).toContain('reverted: <code>github.repository/api</code> (changed by @alice)');
  });

  it('in adopt mode opens the adopt PR with the live value and the change\'s author, and leaves the live value', async () => {
    fake.addRepo({ name: 'api', description: 'declared' });
    seed(REPORT.replace('scope:', 'drift:\n  mode: adopt\nscope:'), { 'repos/api.yml': '# the public API\n' + repoFile('api', '  description: declared # keep this\n') });
    fake.repo('api').description = 'hand edit';
    await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }));
    expect(fake.repo('api').description).toBe('hand edit');
    const [pr] = fake.pulls(CONFIG_REPO).filter((p) => p.head.ref === 'converge/adopt');
    expect(pr!.body).toContain('alice');
    expect(fake.files(CONFIG_REPO, 'converge/adopt')['repos/api.yml']).toBe('# the public API\n' + repoFile('api', '  description: hand edit # keep this\n'));
    expect(openDriftIssues()).toHaveLength(1);
  });

  it('leaves a resource alone, and reports it, once it was reverted too often within the hour', async () => {
    fake.addRepo({ name: 'api', description: 'declared' });
    seed(REVERT, { 'repos/api.yml': repoFile('api', '  description: declared\n') });
    fake.repo('api').description = 'set by another bot';
    const outcome = await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }, new Map([['github.repository/api', 5]])));
    expect(fake.repo('api').description).toBe('set by another bot');
    expect(outcome.leftAlone).toEqual(['github.repository/api']);
    const [issue] = openDriftIssues();
    expect(issue!.body).toContain('another automation keeps changing it');
  });

  it('takes the drift mode per kind: a repository in revert mode is reverted, a label in report mode only reported', async () => {
    fake.addRepo({ name: 'api', description: 'as declared', labels: [{ name: 'bug', color: 'd73a4a' }] });
    const settings = 'providers:\n  github: {}\ndrift:\n  mode: report\n  kinds:\n    github.repository: revert\nscope:\n  github.repository: { exclude: [converge-config] }\n';
    seed(settings, { 'repos/api.yml': repoFile('api', '  description: as declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') });
    fake.repo('api').description = 'changed in the UI';
    fake.labels('api')[0]!.color = '000000';
    const outcome = await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice, 'github.label/api/bug': alice }));
    expect(outcome.reverted.map((r) => [resourceKeyOf(r.change), r.status])).toEqual([['github.repository/api', 'applied']]);
    expect(fake.repo('api').description).toBe('as declared');
    expect(fake.labels('api')[0]!.color).toBe('000000');
    expect(openDriftIssues()[0]!.body).toContain('github.label/api/bug');
  });

  it('reports a resource created by hand in scope as extraneous, reading only it', async () => {
    fake.addRepo({ name: 'api', description: 'declared' });
    seed(REPORT, { 'repos/api.yml': repoFile('api', '  description: declared\n') });
    fake.addRepo({ name: 'stray' });
    fake.resetLog();
    const outcome = await processDriftJob(job, workerContext(fake), deps({ 'github.repository/stray': alice }));
    expect(outcome).toMatchObject({ checked: [], undeclared: ['github.repository/stray'], drifted: 1, reverted: [] });
    expect(targetRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/acme/stray']);
    const [issue] = openDriftIssues();
    expect(issue!.body).toContain('github.repository/stray');
    expect(issue!.body).toContain('Changed by @alice');
  });

  it('looks for nothing out of scope, nor of a kind the full run does not read', async () => {
    fake.addRepo({ name: 'api', description: 'declared', labels: [{ name: 'hand-made', color: 'ffffff' }] });
    seed('providers:\n  github: {}\nscope:\n  github.repository: { include: [svc-*] }\n', { 'repos/api.yml': repoFile('api', '  description: declared\n') });
    fake.addRepo({ name: 'stray' });
    fake.resetLog();
    const outcome = await processDriftJob(job, workerContext(fake), deps({ 'github.repository/stray': alice, 'github.label/api/hand-made': alice }));
    expect(outcome).toMatchObject({ checked: [], drifted: 0 });
    expect(targetRequests()).toEqual([]);
    expect(fake.issues(CONFIG_REPO)).toEqual([]);
  });

  it('in revert mode deletes an extraneous resource only as the prune policy allows', async () => {
    fake.addRepo({ name: 'api', description: 'declared', labels: [{ name: 'bug', color: 'd73a4a' }, { name: 'hand-made', color: 'ffffff' }] });
    const files = { 'repos/api.yml': repoFile('api', '  description: declared\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a') };
    seed(REVERT, files);
    const kept = await processDriftJob(job, workerContext(fake), deps({ 'github.label/api/hand-made': alice }));
    expect(kept.reverted).toEqual([]);
    expect(fake.labels('api').map((l) => l.name)).toContain('hand-made');
    expect(openDriftIssues()[0]!.body).toContain('github.label/api/hand-made');

    fake.commit(CONFIG_REPO, { 'converge.yml': REVERT + 'prune:\n  enabled: true\n' });
    const pruned = await processDriftJob(job, workerContext(fake), deps({ 'github.label/api/hand-made': alice }));
    expect(pruned.reverted.map((r) => [r.change.name, r.status])).toEqual([['api/hand-made', 'applied']]);
    expect(fake.labels('api').map((l) => l.name)).toEqual(['bug']);
  });
});

describe('drift checks in an org without the config repo', () => {
  it('finds nothing to check, and fails nothing', async () => {
    fake.addRepo({ name: 'api' });
    const outcome = await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }));
    expect(outcome.skipped).toBe('no-config');
    expect(fake.filter((r) => r.method !== 'GET' && r.kind !== 'graphql' && !/access_tokens/.test(r.path))).toEqual([]);
  });
});

describe('drift checks with one issue per resource', () => {
  it('opens and closes only the checked resource’s issue, leaving the others the full run opened', async () => {
    fake.addRepo({ name: 'api', description: 'as declared' });
    fake.addRepo({ name: 'web', description: 'as declared' });
    seed('providers:\n  github: {}\ndrift:\n  issues: per-resource\nscope:\n  github.repository: { exclude: [converge-config] }\n', {
      'repos/api.yml': repoFile('api', '  description: as declared\n'),
      'repos/web.yml': repoFile('web', '  description: as declared\n'),
    });
    fake.repo('web').description = 'found by the full run';
    await processFullRunJob({ ...job, reason: 'schedule' }, workerContext(fake));
    fake.repo('api').description = 'edited by alice';
    await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }));
    expect(openDriftIssues().map((i) => i.title).sort()).toEqual(['Drift: github.repository/api', 'Drift: github.repository/web']);
    expect(openDriftIssues().find((i) => i.title.endsWith('/api'))!.body).toContain('Changed by @alice');

    fake.repo('api').description = 'as declared';
    await processDriftJob(job, workerContext(fake), deps({ 'github.repository/api': alice }));
    expect(openDriftIssues().map((i) => i.title)).toEqual(['Drift: github.repository/web']);
  });
});
