import { describe, expect, it } from 'vitest';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, orgWrites, repoFile, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const hooks = { remember: async () => {}, finalAttempt: true };

const POLICIES = `providers:
  github: {}
policies:
  - name: no-public-repositories
    description: Repositories stay private; ask the security team to publish one.
    match:
      kinds: github.repository
      fields: [visibility]
      after: public
    effect: deny
  - name: topics-reviewed
    description: Topics show in the org's public listing; check the spelling.
    match:
      kinds: [github.repository]
      fields: [topics]
    effect: warn
  - name: security-signs-off-descriptions
    description: Descriptions of prod repositories are reviewed by security.
    match:
      names: ["prod-*"]
      fields: [description]
    effect: require-approval
    approvers: ["@acme/security"]
`;

function seed(files: Record<string, string>, settings = POLICIES) {
  fake.addRepo({ name: CONFIG_REPO });
  return fake.commit(CONFIG_REPO, { 'converge.yml': settings, ...files });
}

async function planPr(baseSha: string, headFiles: Record<string, string | null>, number = 1) {
  const headSha = fake.commit(CONFIG_REPO, headFiles, { branch: `pr-${number}`, from: baseSha });
  // An open PR: a plan that needs approvals reads its reviews.
  fake.addPull(CONFIG_REPO, { number, head: { ref: `pr-${number}`, sha: headSha }, state: 'open' });
  const outcome = await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: number, headSha, baseSha, fromFork: false }, workerContext(fake), hooks);
  const run = fake.checkRuns(CONFIG_REPO).find((r) => r.id === outcome.checkRunId)!;
  return { outcome, run };
}

// The line numbers below are those of this document: `visibility:` is on line 5.
const privateApi = repoFile('api', '  description: the api\n  visibility: private\n');
const publicApi = repoFile('api', '  description: the api\n  visibility: public\n');

describe('policy rules on the plan check run', () => {
  it("holds a PR to the default branch's rules: removing a deny rule in the same PR does not lift it", async () => {
    fake.addRepo({ name: 'api', description: 'the api', visibility: 'private', private: true });
    const base = seed({ 'repos/api.yml': privateApi });
    const { outcome, run } = await planPr(base, { 'converge.yml': 'providers:\n  github: {}\n', 'repos/api.yml': publicApi });
    expect(outcome.conclusion).toBe('failure');
    expect(run.output.title).toMatch(/^Denied by policy \(no-public-repositories\)/);
  });

  it('fails a PR that makes a repository public, annotated on the visibility line', async () => {
    fake.addRepo({ name: 'api', description: 'the api', visibility: 'private', private: true });
    const base = seed({ 'repos/api.yml': privateApi });
    const { outcome, run } = await planPr(base, { 'repos/api.yml': publicApi });
    expect(outcome.conclusion).toBe('failure');
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toMatch(/^Denied by policy \(no-public-repositories\)/);
    expect(run.output.summary).toContain('## Policy');
    expect(run.output.summary).toContain('Repositories stay private; ask the security team to publish one.');
    // The Policy section comes before the changes that need care.
    const summary = run.output.summary ?? '';
    expect(summary.indexOf('## Policy')).toBeLessThan(summary.indexOf('## Needs care'));
    const denial = run.annotations.find((a) => a.annotation_level === 'failure');
    expect(denial).toMatchObject({ path: 'repos/api.yml', start_line: 5, end_line: 5, title: 'Denied by policy: no-public-repositories' });
    expect(denial!.message).toContain('github.repository/api (visibility: "private" → "public")');
    expect(orgWrites(fake)).toEqual([]);
  });

  it('denies a new repository created public too, and lets a private one through', async () => {
    const base = seed({});
    const denied = await planPr(base, { 'repos/web.yml': repoFile('web', '  visibility: public\n') }, 2);
    expect(denied.outcome.conclusion).toBe('failure');
    expect(denied.run.annotations).toContainEqual(expect.objectContaining({ path: 'repos/web.yml', start_line: 4, annotation_level: 'failure' }));
    const allowed = await planPr(base, { 'repos/web.yml': repoFile('web', '  visibility: private\n') }, 3);
    expect(allowed.outcome.conclusion).toBe('success');
    expect(allowed.run.output.summary).not.toContain('## Policy');
  });

  it('shows a warn rule as a warning annotation without changing the conclusion', async () => {
    fake.addRepo({ name: 'api', description: 'the api', visibility: 'private', private: true });
    const base = seed({ 'repos/api.yml': privateApi });
    const { outcome, run } = await planPr(base, { 'repos/api.yml': privateApi + '  topics: [payments]\n' });
    expect(outcome.conclusion).toBe('success');
    expect(run.output.title).not.toContain('Denied');
    expect(run.output.summary).toContain('topics-reviewed');
    expect(run.annotations).toContainEqual(expect.objectContaining({ path: 'repos/api.yml', start_line: 6, annotation_level: 'warning', title: 'Policy warning: topics-reviewed' }));
  });

  it('lists a require-approval rule as needing approval and hands the requirement on to the approval check', async () => {
    fake.addRepo({ name: 'prod-db', description: 'old', visibility: 'private', private: true });
    const base = seed({ 'repos/prod-db.yml': repoFile('prod-db', '  description: old\n') });
    const { outcome, run } = await planPr(base, { 'repos/prod-db.yml': repoFile('prod-db', '  description: new\n') });
    // Whether it passes is the approval check's to say (nobody approved yet); no rule denies it.
    expect(run.output.title).not.toContain('Denied');
    expect(run.output.summary).toContain('🔐 **Needs approval from @acme/security** · <code>security-signs-off-descriptions</code>');
    expect(outcome.ruleApprovals).toEqual([
      { reason: 'security-signs-off-descriptions', source: 'rule', approvers: ['@acme/security'], count: 1, resources: ['github.repository/prod-db'] },
    ]);
    expect(run.annotations).toContainEqual(expect.objectContaining({ path: 'repos/prod-db.yml', start_line: 4, annotation_level: 'notice', title: 'Needs approval: security-signs-off-descriptions' }));
  });

  it('fails the plan on a rule naming an unknown kind, on its converge.yml line', async () => {
    const base = seed({}, 'providers:\n  github: {}\n');
    const settings = 'providers:\n  github: {}\npolicies:\n  - name: r\n    description: d\n    match: { kinds: [github.repo] }\n    effect: deny\n';
    const { outcome, run } = await planPr(base, { 'converge.yml': settings, 'repos/a.yml': repoFile('a', '  description: a\n') });
    expect(outcome.conclusion).toBe('failure');
    expect(run.annotations).toContainEqual(expect.objectContaining({ path: 'converge.yml', start_line: 6, annotation_level: 'failure', title: 'settings.policy-unknown-kind' }));
  });
});

describe('policy rules on convergence', () => {
  const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };

  it('applies nothing when a merged change violates a deny rule, and says so', async () => {
    fake.addRepo({ name: 'api', description: 'the api', visibility: 'private', private: true });
    fake.addRepo({ name: 'docs', description: 'old' });
    seed({ 'repos/api.yml': privateApi, 'repos/docs.yml': repoFile('docs', '  description: old\n') });
    const context = workerContext(fake);
    expect((await processConvergeJob(job, context)).conclusion).toBe('success');

    // Pushed straight to the branch (or merged past the failing plan check): the rule still holds.
    const merged = fake.commit(CONFIG_REPO, { 'repos/api.yml': publicApi, 'repos/docs.yml': repoFile('docs', '  description: new\n') });
    fake.addPull(CONFIG_REPO, { number: 9, title: 'Publish api', head: { ref: 'publish', sha: merged }, merged: true, merge_commit_sha: merged, state: 'closed' });
    fake.resetLog();
    const outcome = await processConvergeJob(job, context);
    expect(outcome.conclusion).toBe('failure');
    expect(outcome.results).toEqual([]);
    expect(orgWrites(fake)).toEqual([]);
    expect(fake.repo('api').visibility).toBe('private');
    expect(fake.repo('docs').description).toBe('old');

    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.head_sha === merged && r.name === 'Converge apply')!;
    expect(run).toMatchObject({ conclusion: 'failure', output: { title: 'Nothing applied: denied by policy (no-public-repositories)' } });
    expect(run.output.summary).toContain(`Nothing was applied: the policy rule "no-public-repositories" of converge.yml denies 1 change at ${merged.slice(0, 7)}`);
    expect(run.annotations).toContainEqual(expect.objectContaining({ path: 'repos/api.yml', start_line: 5, annotation_level: 'failure' }));
    expect(fake.comments(CONFIG_REPO, 9)[0]!.body).toContain('nothing was applied because the policy rule "no-public-repositories"');
  });

  it('does not revert drift in a full run when the revert would break a deny rule, and reverts the rest', async () => {
    const settings = `${POLICIES}drift:\n  mode: revert\n`;
    // Declared public before the rule existed; someone made it private live since.
    fake.addRepo({ name: 'site', description: 'site', visibility: 'private', private: true });
    fake.addRepo({ name: 'docs', description: 'drifted' });
    seed({ 'repos/site.yml': repoFile('site', '  description: site\n  visibility: public\n'), 'repos/docs.yml': repoFile('docs', '  description: docs\n') }, settings);
    const outcome = await processFullRunJob({ ...job, reason: 'schedule' }, workerContext(fake));
    expect(fake.repo('docs').description).toBe('docs');
    expect(fake.repo('site').visibility).toBe('private');
    const skipped = outcome.reverted.find((r) => r.change.name === 'site');
    expect(skipped).toMatchObject({ status: 'skipped' });
    expect(skipped!.message).toContain('no-public-repositories');
    // Still drift, and the issue says why it was left.
    const [issue] = fake.issues(CONFIG_REPO);
    expect(issue!.body).toContain('github.repository/site');
    expect(issue!.body).toContain('no-public-repositories');
    expect(issue!.body).not.toContain('github.repository/docs');
  });

  it('does not count a revert a deny rule forbids against maxUpdatesPerRun', async () => {
    const settings = `${POLICIES}drift:\n  mode: revert\nlimits:\n  maxUpdatesPerRun: 1\n`;
    fake.addRepo({ name: 'site', description: 'site', visibility: 'private', private: true });
    fake.addRepo({ name: 'docs', description: 'drifted' });
    seed({ 'repos/site.yml': repoFile('site', '  description: site\n  visibility: public\n'), 'repos/docs.yml': repoFile('docs', '  description: docs\n') }, settings);
    await processFullRunJob({ ...job, reason: 'schedule' }, workerContext(fake));
    // One revert is allowed and one is denied: the limit of one is not exceeded, so docs is reverted.
    expect(fake.repo('docs').description).toBe('docs');
    expect(fake.repo('site').visibility).toBe('private');
  });
});
