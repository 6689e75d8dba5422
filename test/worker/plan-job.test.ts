import { describe, expect, it } from 'vitest';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, orgWrites, repoFile, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const hooks = { remember: async () => {}, finalAttempt: true };

function seedConfig(files: Record<string, string>) {
  fake.addRepo({ name: CONFIG_REPO });
  return fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', ...files });
}

async function planPr(baseSha: string, headFiles: Record<string, string | null>, number = 1) {
  const headSha = fake.commit(CONFIG_REPO, headFiles, { branch: `pr-${number}`, from: baseSha });
  const context = workerContext(fake);
  const outcome = await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: number, headSha, baseSha, fromFork: false }, context, hooks);
  const run = fake.checkRuns(CONFIG_REPO).find((r) => r.id === outcome.checkRunId)!;
  return { outcome, run, headSha };
}

describe('the plan check run', () => {
  it('names a description change and a new label, and writes nothing to the org', async () => {
    fake.addRepo({ name: 'api', description: 'old text' });
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: old text\n') });
    const { outcome, run } = await planPr(base, {
      'repos/api.yml': repoFile('api', '  description: new text\n') + '---\n' + labelDoc('api', 'bug', 'd73a4a'),
    });
    expect(outcome.conclusion).toBe('success');
    expect(run.name).toBe('Converge plan');
    expect(run.status).toBe('completed');
    expect(run.output.summary).toContain('github.repository/api');
    expect(run.output.summary).toContain('github.label/api/bug');
    expect(run.output.text).toContain('new text');
    // A plan done within seconds is reported in one request: the check run created finished.
    expect(run.history.map((h) => `${h.method} ${String(h.body.status)}`)).toEqual(['POST completed']);
    expect(orgWrites(fake)).toEqual([]);
    expect(fake.repo('api').description).toBe('old text');
  });

  it('fails on a YAML syntax error with an annotation on its line', async () => {
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: x\n') });
    const { outcome, run } = await planPr(base, { 'repos/api.yml': 'kind: github.repository\nname: api\nspec:\n  topics: [a, b\n' });
    expect(outcome.conclusion).toBe('failure');
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'repos/api.yml', annotation_level: 'failure' })]);
    expect(run.annotations[0]!.start_line).toBeGreaterThanOrEqual(4);
    expect(orgWrites(fake)).toEqual([]);
  });

  it('fails on an unknown field with an annotation on the key', async () => {
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: x\n') });
    const { outcome, run } = await planPr(base, { 'repos/api.yml': repoFile('api', '  description: x\n  descripton: typo\n') });
    expect(outcome.conclusion).toBe('failure');
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'repos/api.yml', start_line: 5, annotation_level: 'failure' })]);
    expect(run.annotations[0]!.message).toContain('descripton');
  });

  it('leaves the check in progress and retries when GitHub answers 5xx, then fails it on the last attempt', async () => {
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: x\n') });
    const headSha = fake.commit(CONFIG_REPO, { 'repos/api.yml': repoFile('api', '  description: y\n') }, { branch: 'pr', from: base });
    const context = workerContext(fake);
    const data = { installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: 3, headSha, baseSha: base, fromFork: false };
    fake.failNext({ method: 'GET', path: /\/compare\//, status: 502 });
    let remembered: number | undefined;
    await expect(processPlanJob(data, context, { remember: async (id) => void (remembered = id), finalAttempt: false })).rejects.toMatchObject({ code: 'retryable' });
    expect(fake.checkRuns(CONFIG_REPO)[0]!.status).toBe('in_progress');
    fake.failNext({ method: 'GET', path: /\/compare\//, status: 502 });
    const outcome = await processPlanJob({ ...data, checkRunId: remembered! }, context, { remember: async () => {}, finalAttempt: true });
    expect(outcome.conclusion).toBe('failure');
    expect(fake.checkRuns(CONFIG_REPO)).toHaveLength(1);
    expect(fake.checkRuns(CONFIG_REPO)[0]!.output.summary).toContain('HTTP 502');
  });

  it('is neutral when the PR touches no managed file', async () => {
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: x\n') });
    const { outcome, run } = await planPr(base, { 'README.md': '# docs\n' });
    expect(outcome.conclusion).toBe('neutral');
    expect(run.conclusion).toBe('neutral');
  });

  it('reads only the resources of the touched file in a config repo of 1,000 files', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) files[`repos/r${i}.yml`] = repoFile(`r${i}`, `  description: repo ${i}\n`);
    fake.addRepo({ name: 'r7', description: 'repo 7' });
    const base = seedConfig(files);
    fake.resetLog();
    const { outcome } = await planPr(base, { 'repos/r7.yml': repoFile('r7', '  description: changed\n') + '---\n' + labelDoc('r7', 'bug', 'd73a4a') });
    expect(outcome.conclusion).toBe('success');
    const targetReads = fake.filter((r) => r.method === 'GET' && r.kind !== 'codeload' && !r.path.includes(CONFIG_REPO) && !r.path.startsWith('/app'));
    expect(targetReads.map((r) => r.path).sort()).toEqual(['/repos/acme/r7', '/repos/acme/r7/labels']);
    expect(fake.count({ kind: 'graphql' })).toBe(0);
  });

  it('finds every changed file when a PR changes more files than the compare API lists', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 320; i++) files[`repos/r${i}.yml`] = repoFile(`r${i}`, `  description: "${i}"\n`);
    const base = seedConfig(files);
    const changed = Object.fromEntries(Object.keys(files).map((path, i) => [path, repoFile(`r${i}`, `  description: "changed ${i}"\n`)]));
    const { outcome, run } = await planPr(base, changed);
    expect(outcome.conclusion).toBe('success');
    // What changed comes from the two snapshots, not from the compare API's cut list.
    expect(fake.count({ path: /\/tarball\// })).toBe(2);
    expect(run.output.title).toContain('320 to create');
  });

  it('never writes to the org when the check is re-run, even for a plan full of changes', async () => {
    fake.addRepo({ name: 'api', description: 'a' });
    const base = seedConfig({ 'repos/api.yml': repoFile('api', '  description: a\n') });
    const { headSha } = await planPr(base, { 'repos/api.yml': repoFile('api', '  description: b\n  topics: [x]\n'), 'repos/new.yml': repoFile('new', '  description: n\n') });
    const context = workerContext(fake);
    await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: 1, headSha, baseSha: base, fromFork: false }, context, hooks);
    expect(fake.checkRuns(CONFIG_REPO).filter((r) => r.conclusion === 'success')).toHaveLength(2);
    expect(orgWrites(fake)).toEqual([]);
    expect(fake.repos().map((r) => r.name).sort()).toEqual(['api', CONFIG_REPO]);
  });

  it('shows deletions of a removed file prominently and blocks them while prune is off', async () => {
    fake.addRepo({ name: 'old' });
    const base = seedConfig({ 'repos/old.yml': repoFile('old', '  description: ""\n') });
    const { run } = await planPr(base, { 'repos/old.yml': null });
    expect(run.output.summary).toMatch(/deletion/i);
    expect(run.output.summary).toContain('github.repository/old');
    expect(run.output.summary).toContain('prune is off');
    expect(orgWrites(fake)).toEqual([]);
  });
});

describe('on GitHub Enterprise Server', () => {
  const ghe = installFakeGitHub({ baseUrl: 'https://ghe.example.com/api/v3' });

  it('plans against the configured host only', async () => {
    ghe.addRepo({ name: 'api', description: 'a' });
    ghe.addRepo({ name: CONFIG_REPO });
    const base = ghe.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', 'api.yml': repoFile('api', '  description: a\n') });
    const headSha = ghe.commit(CONFIG_REPO, { 'api.yml': repoFile('api', '  description: b\n') }, { branch: 'pr', from: base });
    const outcome = await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: 2, headSha, baseSha: base, fromFork: false }, workerContext(ghe, { processEnv: { GHE_HOST: 'ghe.example.com' } }), hooks);
    expect(outcome.conclusion).toBe('success');
    expect(ghe.requests.length).toBeGreaterThan(3);
    const run = ghe.checkRuns(CONFIG_REPO)[0]!;
    expect(run.output.text).toContain('https://ghe.example.com/acme/');
  });
});

describe('pull requests from forks', () => {
  const variable = (value: string) => `kind: github.variable\nname: api/DEPLOY_URL\nspec:\n  value: ${value}\n`;
  const forkPlan = async (baseSha: string, headFiles: Record<string, string | null>, fromFork = true) => {
    const headSha = fake.commit(CONFIG_REPO, headFiles, { branch: 'from-fork', from: baseSha });
    fake.resetLog();
    const outcome = await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: 9, headSha, baseSha, fromFork }, workerContext(fake), hooks);
    return { outcome, run: fake.checkRuns(CONFIG_REPO).find((r) => r.id === outcome.checkRunId)! };
  };
  const targetReads = () => fake.filter((r) => r.kind !== 'codeload' && !r.path.startsWith('/app') && !r.path.startsWith(`/repos/acme/${CONFIG_REPO}`));

  it('are not planned by default: nothing is read, and the check says how to opt in', async () => {
    fake.addRepo({ name: 'api' });
    fake.addVariable('api', 'DEPLOY_URL', 'https://live.internal');
    fake.addRepo({ name: CONFIG_REPO });
    const base = fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', 'vars.yml': variable('https://live.internal') });
    // The fork's own converge.yml opting in does not count.
    const { outcome, run } = await forkPlan(base, { 'converge.yml': 'providers:\n  github: {}\nplans:\n  forks: true\n', 'vars.yml': variable('https://x') });
    expect(outcome.conclusion).toBe('neutral');
    expect(run.output.title).toBe('Pull requests from forks are not planned');
    expect(run.output.summary).toContain('plans: { forks: true }');
    expect(targetReads()).toEqual([]);
    expect(fake.count({ path: /\/tarball\/|\/compare\// })).toBe(0);
    expect(orgWrites(fake)).toEqual([]);
  });

  it('are planned once the default branch opts in, without live variable values', async () => {
    fake.addRepo({ name: 'api' });
    fake.addVariable('api', 'DEPLOY_URL', 'https://live.internal');
    fake.addRepo({ name: CONFIG_REPO });
    const base = fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\nplans:\n  forks: true\n', 'vars.yml': variable('https://old.example') });
    const { outcome, run } = await forkPlan(base, { 'vars.yml': variable('https://new.example') });
    expect(outcome.conclusion).toBe('success');
    expect(run.output.summary).toContain('github.variable/api/DEPLOY\\_URL');
    expect(run.output.text).toContain('https://new.example');
    expect(run.output.text).toContain('live value hidden from fork PRs');
    expect(JSON.stringify(run.output)).not.toContain('live.internal');
    expect(orgWrites(fake)).toEqual([]);
  });

  it('leave the live value in plans of PRs from the config repo itself', async () => {
    fake.addRepo({ name: 'api' });
    fake.addVariable('api', 'DEPLOY_URL', 'https://live.internal');
    fake.addRepo({ name: CONFIG_REPO });
    const base = fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n', 'vars.yml': variable('https://old.example') });
    const { run } = await forkPlan(base, { 'vars.yml': variable('https://new.example') }, false);
    expect(run.output.text).toContain('live.internal');
  });
});

describe('big plans in the plan check run', () => {
  it('continues past the check run in numbered PR comments, edited in place on the next push', async () => {
    const names = Array.from({ length: 240 }, (_, i) => `svc-${i}`);
    for (const name of names) fake.addRepo({ name, description: 'old' });
    const files = (description: string) => Object.fromEntries(names.map((n) => [`repos/${n}.yml`, repoFile(n, `  description: ${description} ${n}\n`)]));
    const base = seedConfig(Object.fromEntries(names.map((n) => [`repos/${n}.yml`, repoFile(n, '  description: old\n')])));
    const headSha = fake.commit(CONFIG_REPO, files('first'), { branch: 'pr-7', from: base });
    fake.addPull(CONFIG_REPO, { number: 7, head: { ref: 'pr-7' } });
    const outcome = await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: 7, headSha, baseSha: base, fromFork: false }, workerContext(fake), hooks);
    const run = fake.checkRuns(CONFIG_REPO).find((r) => r.id === outcome.checkRunId)!;
    const pages = fake.comments(CONFIG_REPO, 7);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.body).toContain(`## Converge plan, part 2 of 2\n\n_For commit ${headSha.slice(0, 7)}; part 1 is [the check run](`);
    expect(run.output.text).toContain('continued in the PR comment **Converge plan, part 2 of 2**');
    // Every resource is in the check run or the comment; nothing is "not shown".
    const all = `${run.output.summary}\n${run.output.text}\n${pages[0]!.body}`;
    expect(all).not.toContain('not shown');
    for (const name of names) expect(all).toContain(`github.repository/${name}</code>`);

    const next = fake.commit(CONFIG_REPO, files('second'), { branch: 'pr-7', from: base });
    await processPlanJob({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: 7, headSha: next, baseSha: base, fromFork: false }, workerContext(fake), hooks);
    const after = fake.comments(CONFIG_REPO, 7);
    expect(after).toHaveLength(1);
    expect(after[0]!.body).toContain(`_For commit ${next.slice(0, 7)};`);
    expect(after[0]!.body).toContain('second svc-');
  });

  it('groups a defaults change fanning out to many repositories and marks only the defaults line', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `app-${i}`);
    for (const name of names) fake.addRepo({ name, has_wiki: true });
    const defaults = (wiki: boolean) => `kind: defaults\nname: repos\nselector:\n  kind: github.repository\nspec:\n  features:\n    wiki: ${wiki}\n`;
    const base = seedConfig({ 'defaults/repos.yml': defaults(true), ...Object.fromEntries(names.map((n) => [`repos/${n}.yml`, `kind: github.repository\nname: ${n}\n`])) });
    const { outcome, run } = await planPr(base, { 'defaults/repos.yml': defaults(false) });
    expect(outcome.conclusion).toBe('success');
    expect(run.output.text).toContain('### Update 60 × <code>github.repository</code>');
    expect(run.output.text).toMatch(/Set by defaults in \[defaults\/repos\.yml:7\]\(http[^)]+defaults\/repos\.yml#L7\)/);
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'defaults/repos.yml', start_line: 7, annotation_level: 'notice', title: 'Changes 60 resources' })]);
  });
});
