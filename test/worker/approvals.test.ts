/**
 * Owner approvals gate the plan check: the plan job lists per owner what waits for them and
 * concludes `action_required` until each changed resource has an approval at the head; the
 * approval check (after a review webhook) re-gates the check run reading no target at all.
 */
import { describe, expect, it } from 'vitest';
import { processApprovalsJob } from '../../src/worker/approvals-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, repoFile, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const hooks = { remember: async () => {}, finalAttempt: true };
const SETTINGS = 'providers:\n  github: {}\napprovals:\n  required: owners\n';
const owned = (name: string, owners: string, description: string) => `kind: github.repository\nname: ${name}\nowners: [${owners}]\nspec:\n  description: ${description}\n`;
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };

function seed(settings = SETTINGS) {
  fake.addRepo({ name: CONFIG_REPO });
  fake.addRepo({ name: 'db', description: 'old' });
  fake.addRepo({ name: 'web', description: 'old' });
  fake.addTeam({ name: 'db', members: ['carol', 'alice'] });
  return fake.commit(CONFIG_REPO, { 'converge.yml': settings, 'repos/db.yml': owned('db', '"@acme/db"', 'old'), 'repos/web.yml': owned('web', '"@bob"', 'old') });
}

/** A PR by alice (a member of acme/db herself) changing the db repository. */
function openPull(base: string, description = 'new') {
  fake.commit(CONFIG_REPO, { 'repos/db.yml': owned('db', '"@acme/db"', description) }, { branch: 'change-db', from: base });
  return fake.addPull(CONFIG_REPO, { head: { ref: 'change-db' }, user: { login: 'alice', id: 501, type: 'User' } });
}

async function plan(pull: { number: number; head: { sha: string }; base: { sha: string } }) {
  const outcome = await processPlanJob({ ...job, pullNumber: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha, fromFork: false }, workerContext(fake), hooks);
  return { outcome, run: fake.checkRuns(CONFIG_REPO).find((r) => r.id === outcome.checkRunId)! };
}

const approvals = (number: number, finalAttempt = true) => processApprovalsJob({ ...job, pullNumber: number }, workerContext(fake), { finalAttempt });

/** Requests other than the app's token: what the approval check cost. */
const routes = () => fake.requests.filter((r) => !r.path.startsWith('/app/')).map((r) => r.route);

describe('owner approvals on the plan check', () => {
  it('waits for the owning team, listing what waits for it, and passes once a member approves at the head', async () => {
    const pull = openPull(seed());
    const { outcome, run } = await plan(pull);
    expect(outcome.conclusion).toBe('action_required');
    expect(run.conclusion).toBe('action_required');
    expect(run.output.title).toBe('Waiting for approval from @acme/db · 1 to update');
    const summary = run.output.summary ?? '';
    expect(summary).toContain('## Approvals');
    expect(summary).toContain('⏳ **Waiting for approval.**');
    expect(summary).toContain('| <code>@acme/db</code> | ⏳ not yet | <code>github.repository/db</code> |');
    // Near the top: before the plan's own sections.
    expect(summary.indexOf('## Approvals')).toBeLessThan(summary.indexOf('## All changes'));

    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    fake.resetLog();
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'updated', conclusion: 'success' });
    const after = fake.checkRuns(CONFIG_REPO).find((r) => r.id === run.id)!;
    expect(after.conclusion).toBe('success');
    expect(after.output.title).toBe('1 to update');
    expect(after.output.summary).toContain('✅ **Approved.**');
    expect(after.output.summary).toContain('| <code>@acme/db</code> | ✅ <code>carol</code> | — |');
    // The plan itself is kept as it was.
    expect(after.output.text).toBe(run.output.text);
    expect(after.output.summary?.replace(/<!-- converge:approvals -->[\s\S]*<!-- \/converge:approvals -->/, '')).toBe(summary.replace(/<!-- converge:approvals -->[\s\S]*<!-- \/converge:approvals -->/, ''));
    // Zero target reads: the PR, its reviews, one membership, the check run and its update.
    expect(routes()).toEqual([
      'GET /repos/{owner}/{repo}/pulls/{pull_number}',
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    ]);
    expect(fake.count({ path: /^\/repos\/acme\/(db|web)/ })).toBe(0);
  });

  it('counts an approval already given when the plan is computed', async () => {
    const pull = openPull(seed());
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    const { outcome, run } = await plan(pull);
    expect(outcome.conclusion).toBe('success');
    expect(run.output.summary).toContain('✅ **Approved.**');
  });

  it('counts neither the author’s own approval nor an app’s, nor one dismissed or followed by a change request', async () => {
    const pull = openPull(seed());
    await plan(pull);
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'alice', state: 'APPROVED' });
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'converge[bot]', type: 'Bot', state: 'APPROVED' });
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'unchanged', conclusion: 'action_required' });

    const carol = fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'updated', conclusion: 'success' });
    fake.dismissReview(CONFIG_REPO, carol.id);
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'updated', conclusion: 'action_required' });
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'CHANGES_REQUESTED' });
    await expect(approvals(pull.number)).resolves.toMatchObject({ conclusion: 'action_required' });
  });

  it('does not count an approval given before a new push', async () => {
    const base = seed();
    const pull = openPull(base);
    await plan(pull);
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    fake.commit(CONFIG_REPO, { 'repos/db.yml': owned('db', '"@acme/db"', 'newer') }, { branch: 'change-db' });
    pull.head.sha = fake.head(CONFIG_REPO, 'change-db')!;
    const { outcome, run } = await plan(pull);
    expect(outcome.conclusion).toBe('action_required');
    expect(run.head_sha).toBe(pull.head.sha);
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'unchanged', conclusion: 'action_required' });
  });

  it('needs every owner: a PR changing two owners’ resources waits for the one that has not approved', async () => {
    const base = seed();
    fake.commit(CONFIG_REPO, { 'repos/db.yml': owned('db', '"@acme/db"', 'new'), 'repos/web.yml': owned('web', '"@bob"', 'new') }, { branch: 'both', from: base });
    const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'both' }, user: { login: 'alice', id: 501, type: 'User' } });
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'bob', state: 'APPROVED' });
    const { run } = await plan(pull);
    expect(run.conclusion).toBe('action_required');
    expect(run.output.title).toMatch(/^Waiting for approval from @acme\/db · /);
    expect(run.output.summary).toContain('| <code>@bob</code> | ✅ <code>bob</code> | — |');
    expect(run.output.summary).toContain('| <code>@acme/db</code> | ⏳ not yet | <code>github.repository/db</code> |');
  });

  it('keeps the base’s gate and owners: a PR can neither switch approvals off nor hand its change to another owner', async () => {
    const base = seed();
    fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', 'repos/db.yml': owned('db', '"@bob"', 'taken over') }, { branch: 'take-db', from: base });
    const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'take-db' }, user: { login: 'alice', id: 501, type: 'User' } });
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'bob', state: 'APPROVED' });
    const { run } = await plan(pull);
    expect(run.conclusion).toBe('action_required');
    expect(run.output.summary).toContain('| <code>@acme/db</code> | ⏳ not yet | <code>github.repository/db</code> |');
    expect(run.output.summary).not.toContain('<code>@bob</code>');
  });

  it('keeps a failing plan failing whatever the approvals', async () => {
    const pull = openPull(seed(), 'new\n  descripton: typo');
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    const { run } = await plan(pull);
    expect(run.conclusion).toBe('failure');
  });

  it('waits for a plan still being computed, and gives up quietly on the last attempt', async () => {
    const pull = openPull(seed());
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    await expect(approvals(pull.number, false)).rejects.toMatchObject({ code: 'retryable' });
    await expect(approvals(pull.number, true)).resolves.toMatchObject({ result: 'no-plan-check' });
    expect(fake.checkRuns(CONFIG_REPO)).toEqual([]);
  });

  it('gates on a policy rule’s N-of-M requirement the same way, owners or not', async () => {
    const rule = '\npolicies:\n  - name: two-from-security\n    description: Security signs off on db.\n    match: { names: [db] }\n    effect: require-approval\n    approvers: ["@acme/security"]\n    count: 2\n';
    const pull = openPull(seed('providers:\n  github: {}\n' + rule));
    fake.addTeam({ name: 'security', members: ['sam', 'tess'] });
    const { run } = await plan(pull);
    expect(run.conclusion).toBe('action_required');
    expect(run.output.summary).toContain('⏳ Rule <code>two-from-security</code>: 0 of 2 approvals from <code>@acme/security</code>');
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'sam', state: 'APPROVED' });
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'updated', conclusion: 'action_required' });
    fake.submitReview(CONFIG_REPO, pull.number, { login: 'tess', state: 'APPROVED' });
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'updated', conclusion: 'success' });
    expect(fake.checkRuns(CONFIG_REPO)[0]!.output.summary).toContain('✅ Rule <code>two-from-security</code>: 2 of 2 approvals from <code>@acme/security</code> (<code>sam</code>, <code>tess</code>)');
  });

  it('asks nothing of reviews with approvals.required: none (the default)', async () => {
    const pull = openPull(seed('providers:\n  github: {}\n'));
    const { run } = await plan(pull);
    expect(run.conclusion).toBe('success');
    expect(run.output.summary).not.toContain('## Approvals');
    expect(fake.count({ path: /\/reviews$/ })).toBe(0);
    await expect(approvals(pull.number)).resolves.toMatchObject({ result: 'nothing-required' });
  });
});
