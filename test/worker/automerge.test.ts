/**
 * Auto-merge wired into the plan and approval checks: turned on for a qualifying PR, left off
 * with the reasons in the plan otherwise, and turned on by the approval that makes it qualify.
 */
import { describe, expect, it } from 'vitest';
import { processApprovalsJob } from '../../src/worker/approvals-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { autoMergeOf } from '../support/fake-github/automerge.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const hooks = { remember: async () => {}, finalAttempt: true };
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const repo = (name: string, spec: string, owners = '') => `kind: github.repository\nname: ${name}\n${owners ? `owners: [${owners}]\n` : ''}spec:\n${spec}`;

function seed(settings: string) {
  fake.addRepo({ name: CONFIG_REPO, allow_auto_merge: true });
  // Required checks pending: GitHub only takes auto-merge on a PR that cannot merge yet.
  fake.addProtection(CONFIG_REPO, { pattern: 'main', requiresStatusChecks: true, requiredStatusChecks: [{ context: 'Converge plan', appId: null }] });
  fake.addRepo({ name: 'api', description: 'old', visibility: 'private', private: true });
  fake.addTeam({ name: 'api-team', members: ['carol'] });
  return fake.commit(CONFIG_REPO, { 'converge.yml': settings, 'repos/api.yml': repo('api', '  description: old\n', '"@acme/api-team"') });
}

function openPull(base: string, spec: string) {
  fake.commit(CONFIG_REPO, { 'repos/api.yml': repo('api', spec, '"@acme/api-team"') }, { branch: 'change', from: base });
  return fake.addPull(CONFIG_REPO, { head: { ref: 'change' }, user: { login: 'alice', id: 501, type: 'User' } });
}

async function plan(pull: { number: number; head: { sha: string }; base: { sha: string } }) {
  const outcome = await processPlanJob({ ...job, pullNumber: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha, fromFork: false }, workerContext(fake), hooks);
  return fake.checkRuns(CONFIG_REPO).find((r) => r.id === outcome.checkRunId)!;
}

const AUTOMERGE = 'providers:\n  github: {}\nautomerge:\n  enabled: true\n';

describe('auto-merge', () => {
  it('is turned on for a routine, valid plan, and the plan says so', async () => {
    const pull = openPull(seed(AUTOMERGE), '  description: new\n');
    const run = await plan(pull);
    expect(autoMergeOf(fake.pull(CONFIG_REPO, pull.number))).toMatchObject({ mergeMethod: 'SQUASH' });
    expect(run.output.summary).toContain('**Auto-merge:**');
    expect(run.output.summary).toContain('Qualifies for auto-merge');
  });

  it('stays off for a sensitive change, and the plan says why', async () => {
    const pull = openPull(seed(AUTOMERGE), '  description: old\n  visibility: public\n');
    const run = await plan(pull);
    expect(autoMergeOf(fake.pull(CONFIG_REPO, pull.number))).toBeUndefined();
    expect(run.output.summary).toMatch(/1 change is sensitive: github\.repository\/api/);
  });

  it('stays off when the PR is not configured for it', async () => {
    const pull = openPull(seed('providers:\n  github: {}\n'), '  description: new\n');
    const run = await plan(pull);
    expect(autoMergeOf(fake.pull(CONFIG_REPO, pull.number))).toBeUndefined();
    expect(run.output.summary).not.toContain('Auto-merge');
  });

  it('waits for the owners, then the approval check turns it on without planning again', async () => {
    const pull = openPull(seed(`${AUTOMERGE}approvals:\n  required: owners\n`), '  description: new\n');
    const run = await plan(pull);
    expect(run.conclusion).toBe('action_required');
    expect(autoMergeOf(fake.pull(CONFIG_REPO, pull.number))).toBeUndefined();
    expect(run.output.summary).toContain('Owners have not approved');

    fake.submitReview(CONFIG_REPO, pull.number, { login: 'carol', state: 'APPROVED' });
    await expect(processApprovalsJob({ ...job, pullNumber: pull.number }, workerContext(fake), { finalAttempt: true })).resolves.toMatchObject({ result: 'updated', conclusion: 'success' });
    expect(autoMergeOf(fake.pull(CONFIG_REPO, pull.number))).toMatchObject({ mergeMethod: 'SQUASH' });
    const after = fake.checkRuns(CONFIG_REPO).find((r) => r.id === run.id)!;
    expect(after.output.summary).toContain('Qualifies for auto-merge');
  });
});
