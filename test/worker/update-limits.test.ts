import { describe, expect, it } from 'vitest';
import { parseCommentCommand, usageText } from '../../src/app/commands.js';
import { fullRunDedupId } from '../../src/queue/queues.js';
import type { FullRunJob } from '../../src/queue/jobs.js';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, orgWrites, repoFile, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const NAMES = ['a', 'b', 'c', 'd', 'e'];
/** Five repositories and one label: 40% of 6 declared resources allows 2 updates per run. */
const SETTINGS = 'providers:\n  github: {}\nprune:\n  enabled: true\nlimits:\n  maxUpdatesPerRun: "40%"\n';
const LIMIT = '2: 40% of 6 declared resources';

const repos = (description: string, names = NAMES) => names.map((n) => repoFile(n, `  description: ${description}\n`)).join('---\n');
const converge = () => processConvergeJob(job, workerContext(fake));
const applyRun = (sha: string) => fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge apply' && r.head_sha === sha).at(-1)!;
const fullRuns = () => fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run');

/** A converged config repo declaring five repositories (v1) and one label, the org matching it. */
async function converged(settings = SETTINGS) {
  for (const name of NAMES) fake.addRepo({ name, description: 'v1', ...(name === 'a' ? { labels: [{ name: 'old', color: 'ededed' }] } : {}) });
  fake.addRepo({ name: CONFIG_REPO });
  const base = fake.commit(CONFIG_REPO, { 'converge.yml': settings, 'repos.yml': repos('v1'), 'labels.yml': labelDoc('a', 'old', 'ededed') });
  expect((await converge()).conclusion).toBe('success');
  return base;
}

/** A merge that updates three repositories, creates a label and deletes another: past the limit. */
function mergeTooMany(number = 7) {
  const merged = fake.commit(CONFIG_REPO, { 'repos.yml': repos('v1', ['d', 'e']) + '---\n' + repos('v2', ['a', 'b', 'c']), 'labels.yml': labelDoc('a', 'new', 'd73a4a') });
  fake.addPull(CONFIG_REPO, { number, title: 'Rewrite descriptions', head: { ref: 'docs', sha: merged }, merged: true, merge_commit_sha: merged, state: 'closed' });
  return merged;
}

function adminAsks(body: string): Pick<FullRunJob, 'commentId' | 'requestedBy' | 'requestedIn'> {
  fake.setMember('owner', 'admin');
  const issue = fake.addIssue(CONFIG_REPO, { title: 'apply the held merge' });
  const comment = fake.addComment(CONFIG_REPO, issue.number, body, 'owner');
  return { commentId: comment.id, requestedBy: 'owner', requestedIn: issue.number };
}

describe('maxUpdatesPerRun on a merge', () => {
  it('applies nothing past the limit, creates and deletions included, and says so on the commit and the merged PR', async () => {
    await converged();
    const merged = mergeTooMany();
    fake.resetLog();
    const outcome = await converge();

    expect(orgWrites(fake)).toEqual([]);
    expect(NAMES.map((n) => fake.repo(n).description)).toEqual(['v1', 'v1', 'v1', 'v1', 'v1']);
    expect(fake.labels('a').map((l) => l.name)).toEqual(['old']);
    expect(outcome.conclusion).toBe('failure');
    expect(outcome.results.map((r) => r.status)).toEqual(Array.from({ length: 5 }, () => 'skipped'));

    const run = applyRun(merged);
    expect(run).toMatchObject({ conclusion: 'failure', output: { title: `Nothing applied: 3 updates, more than maxUpdatesPerRun (${LIMIT})` } });
    expect(run.output.summary).toMatch(/^⛔ \*\*Nothing applied: this run would update 3 resources, more than maxUpdatesPerRun \(2: 40% of 6 declared resources\) allows in one run\.\*\*/);
    expect(run.output.summary).toContain('`/converge full-run --allow-updates`');
    expect(run.output.text).toContain('nothing is applied until an admin overrides');

    const [comment] = fake.comments(CONFIG_REPO, 7);
    expect(comment!.body).toContain(`**Converge apply**: nothing was applied because this run would update 3 resources, more than maxUpdatesPerRun (${LIMIT}) allows.`);

    // The commit is not marked converged: the next convergence holds the same changes again.
    fake.resetLog();
    expect((await converge()).conclusion).toBe('failure');
    expect(orgWrites(fake)).toEqual([]);
  });

  it('is applied by an admin overriding the limit for one run, in report mode, and the next convergence records it', async () => {
    await converged();
    const merged = mergeTooMany();
    await converge();

    fake.resetLog();
    const asked = adminAsks('/converge full-run --allow-updates');
    const outcome = await processFullRunJob({ ...job, reason: 'manual', ...asked, overrideMaxUpdates: true }, workerContext(fake));
    expect(outcome.skipped).toBeUndefined();
    expect(NAMES.map((n) => fake.repo(n).description)).toEqual(['v2', 'v2', 'v2', 'v1', 'v1']);
    expect(fake.labels('a').map((l) => l.name).sort()).toEqual(['new', 'old']);
    // The override lifts the update limit only: the label the merge removed is extraneous, and
    // deleting it in report mode needs `--allow-deletions` too.
    expect(fake.count({ method: 'DELETE' })).toBe(0);

    const both = adminAsks('/converge full-run --allow-deletions --allow-updates');
    await processFullRunJob({ ...job, reason: 'manual', ...both, overrideMaxUpdates: true, overrideMaxDeletions: true }, workerContext(fake));
    expect(fake.labels('a').map((l) => l.name)).toEqual(['new']);

    // A re-run of the held commit's apply check finds nothing left and records the convergence.
    fake.resetLog();
    const rerun = await converge();
    expect(rerun.conclusion).toBe('success');
    expect(orgWrites(fake)).toEqual([]);
    expect(applyRun(merged).conclusion).toBe('success');
  });

  it('applies a merge within the limit', async () => {
    await converged();
    fake.commit(CONFIG_REPO, { 'repos.yml': repos('v1', ['c', 'd', 'e']) + '---\n' + repos('v2', ['a', 'b']) });
    expect((await converge()).conclusion).toBe('success');
    expect(NAMES.map((n) => fake.repo(n).description)).toEqual(['v2', 'v2', 'v1', 'v1', 'v1']);
  });

  it('fails the plan check of a PR past the limit, with the numbers and the override', async () => {
    const base = await converged();
    const headSha = fake.commit(CONFIG_REPO, { 'repos.yml': repos('v2') }, { branch: 'pr-3', from: base });
    const planned = await processPlanJob({ ...job, pullNumber: 3, headSha, baseSha: base, fromFork: false }, workerContext(fake), { remember: async () => {}, finalAttempt: true });
    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.id === planned.checkRunId)!;
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toBe('Held by maxUpdatesPerRun: 5 to update');
    expect(run.output.summary).toContain(`⛔ **Nothing would be applied: 5 updates, more than \`maxUpdatesPerRun\` (${LIMIT}) allows in one run.**`);
    expect(run.output.summary).toContain('`/converge full-run --allow-updates`');
  });
});

describe('maxUpdatesPerRun on a full run', () => {
  it('reverts nothing past the limit in revert mode, and says so', async () => {
    await converged(`${SETTINGS}drift:\n  mode: revert\n`);
    for (const name of ['a', 'b', 'c']) fake.repo(name).description = 'edited by hand';
    fake.resetLog();
    const outcome = await processFullRunJob({ ...job, reason: 'schedule' }, workerContext(fake));
    expect(orgWrites(fake)).toEqual([]);
    expect(outcome.drifted).toBe(3);
    const run = fullRuns().at(-1)!;
    expect(run.output.title).toMatch(/^Held by maxUpdatesPerRun: 0 reverted, 3 drifted left/);
    expect(run.output.summary).toContain(`⛔ **Nothing reverted: this run would update 3 resources, more than \`maxUpdatesPerRun\` (${LIMIT}) allows in one run.**`);
    expect(run.output.summary).toContain('`/converge full-run --allow-updates`');
  });

  it('does not count drift it only reports', async () => {
    await converged(`${SETTINGS}drift:\n  mode: report\n`);
    for (const name of ['a', 'b', 'c']) fake.repo(name).description = 'edited by hand';
    await processFullRunJob({ ...job, reason: 'schedule' }, workerContext(fake));
    const run = fullRuns().at(-1)!;
    expect(run.output.title).toMatch(/^0 reverted, 3 drifted left/);
    const [issue] = fake.issues(CONFIG_REPO).filter((i) => i.state === 'open');
    expect(issue!.body).not.toContain('maxUpdatesPerRun');
  });

  it('runs nothing when the job lifts the limit but the comment does not ask for it', async () => {
    await converged();
    mergeTooMany();
    await converge();
    fake.resetLog();
    const asked = adminAsks('/converge full-run');
    const outcome = await processFullRunJob({ ...job, reason: 'manual', ...asked, overrideMaxUpdates: true }, workerContext(fake));
    expect(outcome.skipped).toBe('unverified');
    expect(orgWrites(fake)).toEqual([]);
    expect(fake.comments(CONFIG_REPO, asked.requestedIn!).at(-1)!.body).toContain('`--allow-updates` differs');
  });
});

describe('the override as the web process and the worker read it', () => {
  it.each([
    ['/converge full-run', false, false],
    ['/converge full-run --allow-updates', false, true],
    ['/converge full-run --allow-deletions', true, false],
    ['/converge full-run --allow-updates --allow-deletions', true, true],
    ['please\n/converge  full-run   --allow-deletions --allow-updates  ', true, true],
  ])('%j lifts deletions: %s, updates: %s', (body, allowDeletions, allowUpdates) => {
    expect(parseCommentCommand(body)).toEqual({ kind: 'full-run', allowDeletions, allowUpdates });
  });

  it('answers a mistyped flag with the likely command and the usage, which lists --allow-updates', () => {
    const command = parseCommentCommand('/converge full-run --allow-update');
    expect(command).toEqual({ kind: 'unknown', line: '/converge full-run --allow-update', suggestion: '/converge full-run --allow-updates' });
    const reply = usageText(command as Extract<typeof command, { kind: 'unknown' }>);
    expect(reply).toContain('- `/converge full-run --allow-updates`: the same, lifting the maximum number of updates per run (`limits.maxUpdatesPerRun`)');
    expect(reply.split('\n').some((line) => line.startsWith('/converge'))).toBe(false);
  });

  it('keeps a CLI run lifting the update limit apart from a plain one waiting', () => {
    const cli = { ...job, reason: 'manual' as const };
    const ids = [fullRunDedupId(cli), fullRunDedupId({ ...cli, overrideMaxUpdates: true }), fullRunDedupId({ ...cli, overrideMaxDeletions: true }), fullRunDedupId({ ...cli, overrideMaxDeletions: true, overrideMaxUpdates: true })];
    expect(new Set(ids).size).toBe(4);
  });
});
