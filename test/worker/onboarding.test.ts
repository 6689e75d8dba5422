import { describe, expect, it } from 'vitest';
import { processOnboardJob } from '../../src/worker/onboard-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import type { OnboardJob } from '../../src/queue/jobs.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, orgWrites, workerContext } from '../support/harness.js';

const fake = installFakeGitHub({
  seed: (f) => {
    f.addUser('alice', 'member');
    f.addRepo({ name: 'api', description: 'Public API', labels: [{ name: 'bug', color: 'd73a4a' }] });
    f.addRepo({ name: 'web', visibility: 'private', private: true, has_wiki: false });
    const team = f.addTeam({ name: 'platform', members: ['alice'] });
    team.repos.set(f.repo('api').id, 'push');
    f.addProtection('api', { pattern: 'main', requiresApprovingReviews: true, requiredApprovingReviewCount: 1 });
  },
});
const job = (reason: OnboardJob['reason'] = 'installed'): OnboardJob => ({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, reason });
const onboardingPulls = () => fake.pulls(CONFIG_REPO).filter((p) => p.head.ref === 'converge/onboarding');
// Every write outside the config repo: the onboarding job may write only there.
const writesOutsideConfigRepo = () => orgWrites(fake).filter((r) => !r.path.includes(`/repos/acme/${CONFIG_REPO}/`));

describe('the onboarding PR', () => {
  it('imports the org into one PR on the config repo, whose plan check says no changes', async () => {
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'README.md': '# config\n' });
    const context = workerContext(fake);
    const outcome = await processOnboardJob(job(), context);
    expect(outcome.result).toBe('opened');
    const [pr] = onboardingPulls();
    expect(pr).toMatchObject({ number: outcome.pullNumber, state: 'open', base: { ref: 'main' }, title: 'Set up Converge: import of the org as it is' });
    expect(pr!.body).toContain('prune` is off');
    expect(pr!.body).toContain(`npm run onboard -- acme/${CONFIG_REPO}`);
    const files = fake.files(CONFIG_REPO, 'converge/onboarding');
    expect(Object.keys(files).sort()).toEqual(
      expect.arrayContaining(['.converge/converge-resources.schema.json', '.converge/converge.schema.json', 'README.md', 'converge.yml', 'repos/api.yml', 'repos/web.yml', 'teams/platform.yml']),
    );
    // The config repo itself is Converge's own footprint: never imported.
    expect(Object.keys(files)).not.toContain(`repos/${CONFIG_REPO}.yml`);
    expect(files['converge.yml']).toContain('mode: report');
    expect(files['README.md']).toContain('How to change something');
    expect(files['repos/web.yml']).toContain('visibility: private');
    expect(writesOutsideConfigRepo()).toEqual([]);

    const plan = await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: pr!.number, headSha: pr!.head.sha, baseSha: pr!.base.sha, fromFork: false }, context, { remember: async () => {}, finalAttempt: true });
    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.id === plan.checkRunId)!;
    expect(plan.conclusion).toBe('success');
    expect(run.output.title).toBe('No changes');
    expect(run.output.summary).toMatch(/No changes\.\*\* \d+ resources already match the configuration/);
  });

  it("leaves the org's other config repos, and what they declare, out of a second config repo's import", async () => {
    const DB = 'converge-db';
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', 'repos/api.yml': 'kind: github.repository\nname: api\nspec:\n  description: Public API\n' });
    fake.addRepo({ name: DB });
    fake.commit(DB, { 'README.md': '# db config\n' });
    const context = workerContext(fake, { env: { CONVERGE_CONFIG_REPO: `${CONFIG_REPO},${DB}` } });
    const outcome = await processOnboardJob({ ...job(), repo: DB }, context);
    expect(outcome.result).toBe('opened');
    const [pr] = fake.pulls(DB).filter((p) => p.head.ref === 'converge/onboarding');
    const imported = fake.files(DB, 'converge/onboarding');
    const files = Object.keys(imported);
    expect(files).toContain('repos/web.yml');
    // The api repository is declared by the first config repo; its labels, which nobody declares, are imported.
    expect(imported['repos/api.yml']).not.toMatch(/kind: github\.repository\nname: api\n/);
    expect(imported['repos/api.yml']).toContain('name: api/bug');
    expect(files).not.toContain(`repos/${CONFIG_REPO}.yml`);
    expect(files).not.toContain(`repos/${DB}.yml`);
    // So its plan claims nothing the first config repo declares.
    const plan = await processPlanJob({ installationId: 1, owner: 'acme', repo: DB, pullNumber: pr!.number, headSha: pr!.head.sha, baseSha: pr!.base.sha, fromFork: false }, context, { remember: async () => {}, finalAttempt: true });
    expect(plan.conclusion).toBe('success');
  });

  it('is opened once: not again while open, nor after it was closed, until an operator asks', async () => {
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'README.md': '# config\n' });
    const context = workerContext(fake);
    const first = await processOnboardJob(job(), context);
    expect(await processOnboardJob(job('empty'), context)).toEqual({ result: 'opened-before', pullNumber: first.pullNumber });
    fake.closePull(CONFIG_REPO, first.pullNumber!);
    expect(await processOnboardJob(job('created'), context)).toEqual({ result: 'opened-before', pullNumber: first.pullNumber });
    expect(onboardingPulls()).toHaveLength(1);

    const again = await processOnboardJob(job('manual'), context);
    expect(again.result).toBe('opened');
    expect(onboardingPulls().map((p) => [p.number, p.state])).toEqual([
      [first.pullNumber, 'closed'],
      [again.pullNumber, 'open'],
    ]);
    // Asked again while one is open: that one is refreshed, no second PR.
    fake.addRepo({ name: 'docs', description: 'Docs' });
    expect(await processOnboardJob(job('manual'), context)).toEqual({ result: 'updated', pullNumber: again.pullNumber });
    expect(fake.files(CONFIG_REPO, 'converge/onboarding')['repos/docs.yml']).toContain('description: Docs');
    expect(onboardingPulls()).toHaveLength(2);
  });

  it('gives a repository with no commit yet its first commit, then the PR', async () => {
    fake.addRepo({ name: CONFIG_REPO });
    const outcome = await processOnboardJob(job('created'), workerContext(fake));
    expect(outcome.result).toBe('opened');
    expect(Object.keys(fake.files(CONFIG_REPO, 'main'))).toEqual(['README.md']);
    expect(fake.files(CONFIG_REPO, 'converge/onboarding')['converge.yml']).toContain('providers:');
  });

  it('leaves a config repo that has a converge.yml, and one that does not exist', async () => {
    expect(await processOnboardJob(job(), workerContext(fake))).toEqual({ result: 'no-repository' });
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n' });
    expect(await processOnboardJob(job(), workerContext(fake))).toEqual({ result: 'configured' });
    expect(fake.pulls(CONFIG_REPO)).toEqual([]);
  });

  it('proposes nothing when the org cannot be read completely, and the job is retried', async () => {
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'README.md': '# config\n' });
    fake.failNext({ path: /\/repos\/acme\/web\/environments/, status: 502, times: 10 });
    await expect(processOnboardJob(job(), workerContext(fake))).rejects.toMatchObject({ code: 'retryable', message: expect.stringContaining('github.environment/web/*') });
    expect(fake.pulls(CONFIG_REPO)).toEqual([]);
    fake.reset();
  });
});
