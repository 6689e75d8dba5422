import { describe, expect, it } from 'vitest';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { labelDoc, repoFile, workerContext } from '../support/harness.js';

/** Two config repos of one org: the platform team's and the database team's. */
const fake = installFakeGitHub();
const PLATFORM = 'converge-config';
const DB = 'converge-db';
const env = { CONVERGE_CONFIG_REPO: `${PLATFORM},${DB}` };
const SETTINGS = 'providers:\n  github: {}\n';
const job = (repo: string) => ({ installationId: 1, owner: 'acme', repo });
const context = (extra: Record<string, string> = {}) => workerContext(fake, { env: { ...env, ...extra } });
const converge = (repo: string) => processConvergeJob(job(repo), context());
const fullRun = (repo: string, ctx = context()) => processFullRunJob({ ...job(repo), reason: 'schedule' }, ctx);
const checkRuns = (repo: string, name: string) => fake.checkRuns(repo).filter((r) => r.name === name);

function seed(repo: string, files: Record<string, string>, settings = SETTINGS) {
  fake.addRepo({ name: repo });
  return fake.commit(repo, { 'converge.yml': settings, ...files });
}

async function planPr(repo: string, baseSha: string, files: Record<string, string | null>, number = 1) {
  const headSha = fake.commit(repo, files, { branch: `pr-${number}`, from: baseSha });
  const outcome = await processPlanJob({ ...job(repo), pullNumber: number, headSha, baseSha, fromFork: false }, context(), { remember: async () => {}, finalAttempt: true });
  return { outcome, run: fake.checkRuns(repo).find((r) => r.id === outcome.checkRunId)! };
}

describe('several config repos in one org', () => {
  it('converges each config repo on its own: a merge in one touches neither the other\'s resources nor its check runs', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    fake.addRepo({ name: 'db', description: 'old' });
    seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform\n') });
    const dbHead = seed(DB, { 'repos/db.yml': repoFile('db', '  description: database\n') });

    expect((await converge(PLATFORM)).conclusion).toBe('success');
    expect(fake.repo('api').description).toBe('platform');
    expect(fake.repo('db').description).toBe('old');
    expect(checkRuns(DB, 'Converge apply')).toEqual([]);

    expect((await converge(DB)).conclusion).toBe('success');
    expect(fake.repo('db').description).toBe('database');
    expect(checkRuns(DB, 'Converge apply').map((r) => [r.head_sha, r.conclusion])).toEqual([[dbHead, 'success']]);

    // A merge in the platform repo converges from its own last commit, and only its own delta.
    const next = fake.commit(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform v2\n') });
    fake.repo('db').description = 'changed by hand';
    const outcome = await converge(PLATFORM);
    expect(outcome.fromSha).toBeDefined();
    expect(outcome.results.map((r) => `${r.change.kind}/${r.change.name}`)).toEqual(['github.repository/api']);
    expect(fake.repo('api').description).toBe('platform v2');
    expect(fake.repo('db').description).toBe('changed by hand');
    expect(checkRuns(PLATFORM, 'Converge apply').at(-1)!.head_sha).toBe(next);
    expect(checkRuns(DB, 'Converge apply')).toHaveLength(1);
    // The database repo's progress is its own: nothing new there, nothing done.
    expect((await converge(DB)).conclusion).toBe('skipped');
  });

  it('makes a resource both declare an error in both plans, on its line, and applies it in neither', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    fake.addRepo({ name: 'db', description: 'old' });
    const platformBase = seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform\n') });
    const dbBase = seed(DB, { 'repos/db.yml': repoFile('db', '  description: database\n') });

    // The database team's PR claims the platform team's repository (in another case: GitHub names ignore case).
    const claim = { 'repos/db.yml': repoFile('db', '  description: database\n') + '---\n' + repoFile('API', '  description: database\n') };
    const dbPlan = await planPr(DB, dbBase, claim);
    expect(dbPlan.outcome.conclusion).toBe('failure');
    expect(dbPlan.run.annotations).toEqual([
      expect.objectContaining({
        path: 'repos/db.yml',
        start_line: 6,
        annotation_level: 'failure',
        message: expect.stringContaining(`github.repository/API is also declared by acme/${PLATFORM} (repos/api.yml:1)`),
      }),
    ]);

    // Merged anyway: the platform repo's next plan says the same on its own line.
    fake.commit(DB, claim);
    const platformPlan = await planPr(PLATFORM, platformBase, { 'repos/api.yml': repoFile('api', '  description: platform v2\n') }, 2);
    expect(platformPlan.outcome.conclusion).toBe('failure');
    expect(platformPlan.run.annotations).toEqual([
      expect.objectContaining({
        path: 'repos/api.yml',
        start_line: 1,
        annotation_level: 'failure',
        message: expect.stringContaining(`github.repository/api is also declared by acme/${DB} (repos/db.yml:6)`),
      }),
    ]);

    // Never two writers: neither convergence writes it.
    const dbRun = await converge(DB);
    expect(dbRun.conclusion).toBe('failure');
    expect(dbRun.results).toEqual([]);
    expect(checkRuns(DB, 'Converge apply').at(-1)!.output.title).toMatch(/^Nothing applied/);
    fake.commit(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform v2\n') });
    expect((await converge(PLATFORM)).conclusion).toBe('failure');
    expect(fake.repo('api').description).toBe('old');
    expect(fake.repo('db').description).not.toBe('database');

    // Once the database team drops it, both converge again.
    fake.commit(DB, { 'repos/db.yml': repoFile('db', '  description: database\n') });
    expect((await converge(PLATFORM)).conclusion).toBe('success');
    expect(fake.repo('api').description).toBe('platform v2');
    expect((await converge(DB)).conclusion).toBe('success');
    expect(fake.repo('db').description).toBe('database');
  });

  it('never prunes another config repo, what it declares, nor what Converge created in it', async () => {
    fake.addRepo({ name: 'api', labels: [{ name: 'stray', color: 'ffffff' }] });
    fake.addRepo({ name: 'db', labels: [{ name: 'migration', color: 'c5def5' }] });
    fake.addRepo({ name: 'stray' });
    const prune = `${SETTINGS}drift:\n  mode: revert\nprune:\n  enabled: true\n  maxDeletionsPerRun: 10\nscope:\n  github.repository: {}\n  github.label: {}\n`;
    seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: ""\n') }, prune);
    seed(DB, { 'repos/db.yml': repoFile('db', '  description: ""\n') + '---\n' + labelDoc('db', 'migration', 'c5def5') });
    // What Converge itself creates in the database repo: its drift label.
    fake.addLabel(DB, { name: 'converge-drift', color: 'ededed' });

    const outcome = await fullRun(PLATFORM);
    expect(outcome.skipped).toBeUndefined();
    const deleted = outcome.reverted.filter((r) => r.change.action === 'delete' && r.status === 'applied').map((r) => `${r.change.kind}/${r.change.name}`);
    expect(deleted.sort()).toEqual(['github.label/api/stray', 'github.repository/stray']);
    expect(fake.repos().map((r) => r.name).sort()).toEqual(['api', 'converge-config', 'converge-db', 'db']);
    expect(fake.labels('db').map((l) => l.name)).toEqual(['migration']);
    expect(fake.labels(DB).map((l) => l.name)).toEqual(['converge-drift']);
  });

  it('hands a resource over: the repo that drops it does not delete what the other now declares', async () => {
    fake.addRepo({ name: 'api', description: 'platform' });
    fake.addRepo({ name: 'db', description: 'old' });
    const prune = `${SETTINGS}prune:\n  enabled: true\n`;
    seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform\n'), 'repos/db.yml': repoFile('db', '  description: old\n') }, prune);
    seed(DB, {});
    expect((await converge(PLATFORM)).conclusion).toBe('success');
    expect((await converge(DB)).conclusion).toBe('success');

    // The database team takes `db` over: the platform team's removal is merged after the database team's claim.
    fake.commit(DB, { 'repos/db.yml': repoFile('db', '  description: database\n') });
    fake.commit(PLATFORM, { 'repos/db.yml': null });
    const platform = await converge(PLATFORM);
    expect(platform.results.filter((r) => r.status === 'applied')).toEqual([]);
    expect(fake.repos().map((r) => r.name)).toContain('db');
    expect((await converge(DB)).conclusion).toBe('success');
    expect(fake.repo('db').description).toBe('database');
  });

  it('prunes nothing undeclared while another config repo cannot be loaded, and says why', async () => {
    fake.addRepo({ name: 'api' });
    fake.addRepo({ name: 'db' });
    fake.addRepo({ name: 'stray' });
    const prune = `${SETTINGS}drift:\n  mode: revert\nprune:\n  enabled: true\nscope:\n  github.repository: {}\n`;
    seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: declared\n') }, prune);
    // The database repo's default branch has a broken file: what it claims is unknown.
    seed(DB, { 'repos/db.yml': 'kind: github.repository\nname: db\nspec: [unclosed\n' });

    const outcome = await fullRun(PLATFORM);
    expect(fake.repos().map((r) => r.name).sort()).toEqual(['api', 'converge-config', 'converge-db', 'db', 'stray']);
    // What the platform repo declares is still converged.
    expect(fake.repo('api').description).toBe('declared');
    expect(outcome.reverted.map((r) => `${r.change.action} ${r.change.name}`)).toEqual(['update api']);
    const run = checkRuns(PLATFORM, 'Converge full run').at(-1)!;
    expect(run.output.summary).toContain(`Extraneous resources were not looked for`);
    expect(run.output.summary).toContain(`acme/${DB} (its configuration at `);
    expect(fake.issues(PLATFORM)).toEqual([]);
  });

  it('warns in a plan when another config repo cannot be loaded, without failing it', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    const base = seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: old\n') });
    seed(DB, { 'repos/db.yml': 'kind: github.repository\nname: db\nspec: [unclosed\n' });
    const { outcome, run } = await planPr(PLATFORM, base, { 'repos/api.yml': repoFile('api', '  description: new\n') });
    expect(outcome.conclusion).toBe('success');
    expect(run.output.summary).toContain(`What acme/${DB} declares is not fully known (its configuration at `);
  });

  it('refuses jobs for a repository that is no longer a config repo', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    seed(DB, { 'repos/api.yml': repoFile('api', '  description: new\n') });
    const only = { CONVERGE_CONFIG_REPO: PLATFORM };
    expect((await processConvergeJob(job(DB), context(only))).conclusion).toBe('skipped');
    expect((await fullRun(DB, context(only))).skipped).toBe('unverified');
    expect(fake.repo('api').description).toBe('old');
    expect(fake.checkRuns(DB)).toEqual([]);
  });

  it('finds config repos by pattern among the installation\'s repositories', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    const base = seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform\n') });
    seed(DB, { 'repos/api.yml': repoFile('Api', '  description: database\n') });
    const headSha = fake.commit(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: v2\n') }, { branch: 'pr', from: base });
    const remembered: Array<[string, readonly string[]]> = [];
    const ctx = { ...context({ CONVERGE_CONFIG_REPO: 'converge-*' }), knownConfigRepos: { remember: async (org: string, repos: readonly string[]) => void remembered.push([org, repos]) } };
    const outcome = await processPlanJob({ ...job(PLATFORM), pullNumber: 1, headSha, baseSha: base, fromFork: false }, ctx, { remember: async () => {}, finalAttempt: true });
    // Recorded for the drift handler, which never lists the org itself.
    expect(remembered).toEqual([['acme', [DB, PLATFORM].sort()]]);
    expect(outcome.conclusion).toBe('failure');
    const run = fake.checkRuns(PLATFORM).find((r) => r.id === outcome.checkRunId)!;
    expect(run.annotations[0]!.message).toContain(`also declared by acme/${DB} (repos/api.yml:1)`);
    expect(fake.count({ method: 'GET', path: /^\/installation\/repositories/ })).toBe(1);
  });

  it('takes a listed config repo that does not exist (yet) as claiming nothing', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform\n') });
    const outcome = await processConvergeJob(job(PLATFORM), context({ CONVERGE_CONFIG_REPO: `${PLATFORM},converge-later` }));
    expect(outcome.conclusion).toBe('success');
    expect(fake.repo('api').description).toBe('platform');
  });

  it('costs one query per other config repo once its snapshot is cached, and nothing with one config repo', async () => {
    fake.addRepo({ name: 'api', description: 'old' });
    seed(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: platform\n') });
    seed(DB, { 'repos/db.yml': repoFile('db', '  description: database\n') });
    const tarballs = () => fake.count({ method: 'GET', path: new RegExp(`/repos/acme/${DB}/tarball/`) });
    const ctx = context();
    await processConvergeJob(job(PLATFORM), ctx);
    expect(tarballs()).toBe(1);
    fake.commit(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: v2\n') });
    fake.resetLog();
    await processConvergeJob(job(PLATFORM), ctx);
    // The database repo's head is asked for; its tree is known, so its files are not fetched again.
    expect(tarballs()).toBe(0);
    expect(fake.filter((r) => r.path.includes(DB) || JSON.stringify(r.body ?? '').includes(DB))).toHaveLength(1);

    fake.commit(PLATFORM, { 'repos/api.yml': repoFile('api', '  description: v3\n') });
    fake.resetLog();
    await processConvergeJob(job(PLATFORM), context({ CONVERGE_CONFIG_REPO: PLATFORM }));
    expect(fake.filter((r) => r.path.includes(DB) || JSON.stringify(r.body ?? '').includes(DB))).toEqual([]);
  });
});
