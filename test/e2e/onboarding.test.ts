/**
 * The onboarding PR through the shipped `npm start`, driven by signed webhooks: installing the
 * app on an org whose config repo has no converge.yml opens one PR with an import of the org;
 * its plan check says no changes; it is not opened twice; `npm run onboard` opens it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example } from '../support/webhooks.js';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';
import { deliver, pullRequestEvent } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';

describe('onboarding, as shipped', () => {
  let stack: Stack;
  let app: ShippedProcess;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    const { fake } = stack;
    fake.addUser('alice', 'member');
    fake.addRepo({ name: 'api', description: 'Public API', labels: [{ name: 'bug', color: 'd73a4a' }] });
    fake.addRepo({ name: 'web', visibility: 'private', private: true });
    fake.addTeam({ name: 'platform', members: ['alice'] }).repos.set(fake.repo('api').id, 'push');
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'README.md': '# config\n' });
    ({ app, url } = await stack.startApp());
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const onboardingPulls = () => stack.fake.pulls(CONFIG_REPO).filter((p) => p.head.ref === 'converge/onboarding');
  const installed = () =>
    example('installation', 'created', (p) => {
      p.installation.id = stack.fake.options.installationId ?? 1;
      p.installation.account.login = 'acme';
      p.repositories = [{ id: stack.fake.repo(CONFIG_REPO).id, node_id: 'R_cfg', name: CONFIG_REPO, full_name: `acme/${CONFIG_REPO}`, private: true }];
    });

  it('opens one PR on install, and its plan check says no changes', async () => {
    expect((await deliver(url, SECRET, 'installation', installed())).status).toBe(200);
    const pr = await waitFor(() => onboardingPulls()[0], 'the onboarding PR');
    expect(stack.fake.files(CONFIG_REPO, 'converge/onboarding')['repos/api.yml']).toContain('description: Public API');

    expect((await deliver(url, SECRET, 'pull_request', pullRequestEvent(stack.fake, CONFIG_REPO, pr))).status).toBe(200);
    const run = await waitFor(() => stack.fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge plan' && r.head_sha === pr.head.sha && r.status === 'completed'), 'the plan check run');
    expect(run.conclusion).toBe('success');
    expect(run.output.title).toBe('No changes');
  }, 120_000);

  it('does not open it again on another install event, nor after it was closed; npm run onboard does', async () => {
    const [first] = onboardingPulls();
    const skipped = () => app.lines.filter((l) => String(l.msg).startsWith('onboarding skipped: it was opened before')).length;
    const seen = skipped();
    await deliver(url, SECRET, 'installation', installed());
    await waitFor(() => skipped() > seen, 'the second install event skipped');
    stack.fake.closePull(CONFIG_REPO, first!.number);
    await deliver(url, SECRET, 'installation', installed());
    await waitFor(() => skipped() > seen + 1, 'the install event after the PR was closed skipped');
    expect(onboardingPulls()).toHaveLength(1);

    const operator = await stack.start('onboard', { args: [`acme/${CONFIG_REPO}`] });
    expect(await operator.exited).toBe(0);
    const again = await waitFor(() => onboardingPulls().find((p) => p.state === 'open'), 'the reopened onboarding PR');
    expect(again.number).not.toBe(first!.number);
  }, 120_000);
});
