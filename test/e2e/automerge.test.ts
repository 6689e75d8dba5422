/**
 * Auto-merge through the shipped `npm start`, driven by signed webhooks only: a routine PR gets
 * GitHub's auto-merge turned on by its plan, and the plan says it qualifies; a new push that
 * makes it sensitive turns it off again; a PR that never qualifies (a sensitive change, a
 * change to converge.yml) never gets it, and the plan's Approvals section lists why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoMergeOf } from '../support/fake-github/automerge.js';
import type { PullRecord } from '../support/fake-github/index.js';
import { repoFile } from '../support/harness.js';
import { deliver, pullRequestEvent } from './support/github-events.js';
import { waitFor } from './support/processes.js';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';

const SETTINGS = 'providers:\n  github: {}\nautomerge:\n  enabled: true\n';
const apiFile = (spec: string) => repoFile('api', `  description: old\n${spec}`);
const AUTHOR = { login: 'alice', id: 501, type: 'User' as const };

describe('auto-merge through npm start', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    stack.fake.addRepo({ name: CONFIG_REPO, allow_auto_merge: true });
    // The plan check is required: GitHub takes auto-merge only while something is pending.
    stack.fake.addProtection(CONFIG_REPO, { pattern: 'main', requiresStatusChecks: true, requiredStatusChecks: [{ context: 'Converge plan', appId: null }] });
    stack.fake.addRepo({ name: 'api', description: 'old', visibility: 'private', private: true });
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/api.yml': apiFile('') });
    ({ url } = await stack.startApp());
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const planCheck = (sha: string) => stack.fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge plan' && r.head_sha === sha && r.status === 'completed');
  const mutations = (name: string, from: number) =>
    stack.fake.requests.slice(from).filter((r) => r.kind === 'graphql' && String((r.body as { query?: string } | undefined)?.query ?? '').includes(name)).length;
  const autoMerge = (pull: PullRecord) => autoMergeOf(stack.fake.pull(CONFIG_REPO, pull.number));

  async function plan(pull: PullRecord, action: 'opened' | 'synchronize' = 'opened') {
    expect((await deliver(url, SECRET, 'pull_request', pullRequestEvent(stack.fake, CONFIG_REPO, pull, action))).status).toBe(200);
    return waitFor(() => planCheck(pull.head.sha), `the plan check run of ${pull.head.sha.slice(0, 7)}`);
  }

  function openPull(branch: string, files: Record<string, string>) {
    stack.fake.commit(CONFIG_REPO, files, { branch });
    return stack.fake.addPull(CONFIG_REPO, { head: { ref: branch }, user: AUTHOR });
  }

  it('turns auto-merge on for a routine PR, then off again when a push makes it sensitive', async () => {
    const { fake } = stack;
    const from = fake.requests.length;
    const pull = openPull('describe-api', { 'repos/api.yml': repoFile('api', '  description: new\n') });
    const check = await plan(pull);
    expect(check.conclusion).toBe('success');
    expect(autoMerge(pull)).toMatchObject({ mergeMethod: 'SQUASH', enabledBy: { login: 'converge[bot]', type: 'Bot' } });
    expect(mutations('enablePullRequestAutoMerge', from)).toBe(1);
    expect(check.output.summary).toContain('**Auto-merge:** Converge turned on auto-merge (squash): GitHub merges it once its required checks and reviews pass.');
    expect(check.output.summary).toContain('- Qualifies for auto-merge: the plan is valid, every change is routine, nothing is deleted, no policy rule stops it, and every approval it needs was given.');
    // Auto-merge only waits: nothing is applied before GitHub merges.
    expect(fake.repo('api').description).toBe('old');

    fake.commit(CONFIG_REPO, { 'repos/api.yml': repoFile('api', '  description: new\n  visibility: public\n') }, { branch: 'describe-api' });
    pull.head.sha = fake.head(CONFIG_REPO, 'describe-api')!;
    const again = fake.requests.length;
    const second = await plan(pull, 'synchronize');
    expect(second.conclusion).toBe('neutral');
    expect(autoMerge(pull)).toBeUndefined();
    expect(mutations('disablePullRequestAutoMerge', again)).toBe(1);
    expect(second.output.summary).toContain('**Auto-merge:** Converge turned off the auto-merge it had turned on: the PR no longer qualifies.');
    expect(second.output.summary).toMatch(/- 1 change is sensitive: github\.repository\/api \(/);
    expect(fake.repo('api')).toMatchObject({ description: 'old', visibility: 'private' });
    expect(fake.assertClean()).toBeUndefined();
  });

  it('leaves auto-merge off for a sensitive change and for a change to converge.yml, with the reasons in the plan', async () => {
    const { fake } = stack;
    const from = fake.requests.length;
    const sensitive = openPull('publish-api', { 'repos/api.yml': apiFile('  visibility: public\n') });
    const settings = openPull('describe-and-reconfigure', {
      'repos/api.yml': repoFile('api', '  description: new\n'),
      'converge.yml': `${SETTINGS}  method: merge\n`,
    });

    const publish = await plan(sensitive);
    expect(publish.conclusion).toBe('neutral');
    expect(autoMerge(sensitive)).toBeUndefined();
    expect(publish.output.summary).toContain('**Auto-merge:** The PR does not qualify for auto-merge.');
    expect(publish.output.summary).toMatch(/- 1 change is sensitive: github\.repository\/api \(/);
    expect(publish.output.summary).not.toContain('Qualifies for auto-merge');

    const reconfigure = await plan(settings);
    // A routine change otherwise: only the converge.yml change keeps it from auto-merge.
    expect(reconfigure.conclusion).toBe('success');
    expect(autoMerge(settings)).toBeUndefined();
    expect(reconfigure.output.summary).toContain('**Auto-merge:** The PR does not qualify for auto-merge.');
    expect(reconfigure.output.summary).toContain('- The PR changes converge.yml, which governs approvals, policy rules and auto-merge: a person merges it.');
    expect(reconfigure.output.summary).not.toMatch(/change is sensitive/);

    expect(mutations('enablePullRequestAutoMerge', from)).toBe(0);
    expect(fake.assertClean()).toBeUndefined();
  });
});
