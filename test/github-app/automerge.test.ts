import { afterEach, describe, expect, it } from 'vitest';
import type { AutomergeDecision } from '../../src/core/automerge.js';
import { setAutoMerge } from '../../src/github-app/automerge.js';
import { autoMergeOf, seedAutoMerge } from '../support/fake-github/automerge.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { nodeId } from '../support/fake-github/world.js';
import { CONFIG_REPO, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const ref = { owner: 'acme', repo: CONFIG_REPO };
const PLAN_CHECK = 'Converge plan';

const qualifies: AutomergeDecision = { qualifies: true, reasons: ['Qualifies for auto-merge: ...'] };
const doesNot: AutomergeDecision = { qualifies: false, reasons: ['1 change is sensitive: github.repository/api (Makes repository api public).'] };

/** The config repo with a PR whose base requires the plan check, as auto-merge needs. */
async function setup(repo: { allow_auto_merge?: boolean; allow_squash_merge?: boolean; protected?: boolean } = {}) {
  fake.addRepo({ name: CONFIG_REPO, allow_auto_merge: repo.allow_auto_merge ?? true, allow_squash_merge: repo.allow_squash_merge ?? true });
  fake.setFiles(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n' });
  const headSha = fake.commit(CONFIG_REPO, { 'repos/api.yml': 'kind: github.repository\nname: api\n' }, { branch: 'add-api' });
  if (repo.protected ?? true) fake.addProtection(CONFIG_REPO, { pattern: 'main', requiresStatusChecks: true, requiredStatusChecks: [{ context: PLAN_CHECK, appId: null }] });
  const record = fake.addPull(CONFIG_REPO, { head: { ref: 'add-api' } });
  const client = await workerContext(fake).auth(1);
  fake.resetLog();
  return { client, record, pull: { number: record.number, nodeId: nodeId('PR', record.id), headSha } };
}

const mutations = () =>
  fake.requests
    .filter((r) => r.kind === 'graphql')
    .map((r) => /mutation \w+/.exec(String((r.body as { query?: string }).query))?.[0])
    .filter((m) => m !== undefined);

afterEach(() => fake.assertClean());

describe('setAutoMerge', () => {
  it('turns on auto-merge for a qualifying PR, with the configured method', async () => {
    const { client, record, pull } = await setup();
    const outcome = await setAutoMerge(client, ref, pull, qualifies, 'squash');
    expect(outcome).toEqual({ state: 'enabled', message: 'Converge turned on auto-merge (squash): GitHub merges it once its required checks and reviews pass.' });
    expect(mutations()).toEqual(['mutation ConvergeEnableAutoMerge']);
    expect(autoMergeOf(fake.pull(CONFIG_REPO, record.number))).toMatchObject({ enabledBy: { login: 'converge[bot]' }, mergeMethod: 'SQUASH' });
  });

  it('leaves a PR that does not qualify alone', async () => {
    const { client, record, pull } = await setup();
    expect(await setAutoMerge(client, ref, pull, doesNot, 'squash')).toEqual({ state: 'not-qualified', message: 'The PR does not qualify for auto-merge.' });
    expect(mutations()).toEqual([]);
    expect(autoMergeOf(fake.pull(CONFIG_REPO, record.number))).toBeUndefined();
  });

  it('turns auto-merge off again when the PR stops qualifying', async () => {
    const { client, record, pull } = await setup();
    await setAutoMerge(client, ref, pull, qualifies, 'merge');
    expect(await setAutoMerge(client, ref, pull, doesNot, 'merge')).toEqual({
      state: 'disabled',
      message: 'Converge turned off the auto-merge it had turned on: the PR no longer qualifies.',
    });
    expect(mutations()).toEqual(['mutation ConvergeEnableAutoMerge', 'mutation ConvergeDisableAutoMerge']);
    expect(autoMergeOf(fake.pull(CONFIG_REPO, record.number))).toBeUndefined();
  });

  it('does not turn off auto-merge a person turned on, and says so', async () => {
    const { client, record, pull } = await setup();
    const alice = fake.addUser('alice', 'member');
    seedAutoMerge(fake.pull(CONFIG_REPO, record.number), { login: alice.login, id: alice.id, type: 'User' }, 'MERGE');
    const outcome = await setAutoMerge(client, ref, pull, doesNot, 'squash');
    expect(outcome.state).toBe('not-qualified');
    expect(outcome.message).toBe(
      "The PR does not qualify for auto-merge, but @alice turned it on: GitHub merges it once its required checks and reviews pass. Converge leaves a person's choice alone.",
    );
    expect(mutations()).toEqual([]);
    expect(autoMergeOf(fake.pull(CONFIG_REPO, record.number))?.enabledBy.login).toBe('alice');
  });

  it('sends nothing when auto-merge is already on', async () => {
    const { client, pull } = await setup();
    await setAutoMerge(client, ref, pull, qualifies, 'squash');
    fake.resetLog();
    expect(await setAutoMerge(client, ref, pull, qualifies, 'squash')).toEqual({
      state: 'already-enabled',
      message: 'Auto-merge is on (squash, turned on by Converge): GitHub merges it once its required checks and reviews pass.',
    });
    expect(mutations()).toEqual([]);
    expect(fake.requests.filter((r) => r.kind === 'graphql')).toHaveLength(1);
  });

  it('reports a repository that does not allow auto-merge, with what to change', async () => {
    const { client, record, pull } = await setup({ allow_auto_merge: false });
    expect(await setAutoMerge(client, ref, pull, qualifies, 'squash')).toEqual({
      state: 'refused',
      message: `GitHub refused auto-merge: it is not allowed in acme/${CONFIG_REPO}. A repository admin turns on "Allow auto-merge" (Settings → General → Pull Requests).`,
    });
    expect(autoMergeOf(fake.pull(CONFIG_REPO, record.number))).toBeUndefined();
  });

  it('reports a PR GitHub could merge right now instead of merging it', async () => {
    const { client, record, pull } = await setup({ protected: false });
    const outcome = await setAutoMerge(client, ref, pull, qualifies, 'squash');
    expect(outcome.state).toBe('refused');
    expect(outcome.message).toMatch(/^The PR can be merged now: .* make the plan check required in branch protection\.$/);
    expect(fake.pull(CONFIG_REPO, record.number).merged).toBe(false);
  });

  it('reports a merge method the repository does not allow', async () => {
    const { client, pull } = await setup({ allow_squash_merge: false });
    expect((await setAutoMerge(client, ref, pull, qualifies, 'squash')).message).toBe(
      `GitHub refused auto-merge: the squash merge method is not allowed in acme/${CONFIG_REPO}; set automerge.method in converge.yml to one the repository allows.`,
    );
  });

  it('does not turn on auto-merge for a head the plan did not see', async () => {
    const { client, record, pull } = await setup();
    // A push after the plan: the PR follows its branch.
    fake.pull(CONFIG_REPO, record.number).head.sha = fake.commit(CONFIG_REPO, { 'repos/web.yml': 'kind: github.repository\nname: web\n' }, { branch: 'add-api' });
    expect(await setAutoMerge(client, ref, pull, qualifies, 'squash')).toEqual({
      state: 'refused',
      message: 'The PR moved on since this plan: the plan of its new head decides about auto-merge.',
    });
    expect(autoMergeOf(fake.pull(CONFIG_REPO, record.number))).toBeUndefined();
  });

  it('reports a repository GitHub keeps Converge from changing', async () => {
    const { client, pull } = await setup();
    fake.repo(CONFIG_REPO).archived = true;
    expect(await setAutoMerge(client, ref, pull, qualifies, 'squash')).toEqual({
      state: 'refused',
      message: `Converge may not change auto-merge on acme/${CONFIG_REPO}#${pull.number}: Repository was archived so is read-only.`,
    });
  });

  it('does nothing on a closed PR', async () => {
    const { client, record, pull } = await setup();
    fake.closePull(CONFIG_REPO, record.number);
    expect(await setAutoMerge(client, ref, pull, qualifies, 'squash')).toEqual({ state: 'not-qualified', message: `acme/${CONFIG_REPO}#${record.number} is not open: auto-merge does not apply.` });
    expect(mutations()).toEqual([]);
  });
});
