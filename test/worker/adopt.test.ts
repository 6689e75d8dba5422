import { describe, expect, it } from 'vitest';
import { changedLines } from '../../src/adopt/lines.js';
import type { AdoptJob } from '../../src/queue/jobs.js';
import { itemsComment } from '../../src/github-app/render/drift-items.js';
import { processAdoptJob } from '../../src/worker/adopt-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const repoJob = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const SCOPE = 'scope:\n  github.repository: { exclude: [converge-config] }\n  github.label: { include: ["api/*"] }\n';
const API = `# The public API. Owned by platform.
kind: github.repository
name: api
spec:
  description: as declared   # shown on the org page
  features:
    wiki: true
---
kind: github.label
name: api/bug
spec:
  color: d73a4a
`;

function seed(mode = 'report') {
  fake.addRepo({ name: 'api', description: 'as declared', has_wiki: true, labels: [{ name: 'bug', color: 'd73a4a' }] });
  fake.addRepo({ name: CONFIG_REPO });
  fake.setMember('owner', 'admin');
  fake.addUser('mallory');
  fake.commit(CONFIG_REPO, { 'converge.yml': `providers:\n  github: {}\ndrift:\n  mode: ${mode}\n${SCOPE}`, 'repos/api.yml': API });
}

const full = (context = workerContext(fake)) => processFullRunJob({ ...repoJob, reason: 'schedule' }, context);
const adoptPulls = () => fake.pulls(CONFIG_REPO).filter((p) => p.head.ref === 'converge/adopt');
const openDriftIssues = () => fake.issues(CONFIG_REPO).filter((i) => i.state === 'open' && i.labels.includes('converge-drift'));

async function driftIssue() {
  await full();
  const [issue] = openDriftIssues();
  expect(issue).toBeDefined();
  return issue!;
}

function ask(issue: number, body: string, author = 'owner'): AdoptJob {
  const comment = fake.addComment(CONFIG_REPO, issue, body, author);
  return { ...repoJob, key: body.split(/\s+/).at(-1)!, commentId: comment.id, requestedBy: author, requestedIn: issue };
}

async function planOf(pullNumber: number, context = workerContext(fake)) {
  const pr = fake.pull(CONFIG_REPO, pullNumber);
  const plan = await processPlanJob({ ...repoJob, pullNumber, headSha: pr.head.sha, baseSha: pr.base.sha, fromFork: false }, context, { remember: async () => {}, finalAttempt: true });
  return fake.checkRuns(CONFIG_REPO).find((r) => r.id === plan.checkRunId)!;
}

describe('/converge adopt <key>', () => {
  it('opens a PR that changes just that field line, whose plan shows no changes, and whose merge closes the drift item', async () => {
    seed();
    fake.repo('api').description = 'changed in the UI';
    const issue = await driftIssue();
    const context = workerContext(fake);

    const outcome = await processAdoptJob(ask(issue.number, '/converge adopt github.repository/api'), context);
    expect(outcome.result).toBe('opened');
    const [pr] = adoptPulls();
    expect(pr).toMatchObject({ number: outcome.pull!.number, state: 'open', base: { ref: 'main' }, title: 'Adopt live changes: github.repository/api' });
    const before = fake.files(CONFIG_REPO, 'main')['repos/api.yml']!;
    const after = fake.files(CONFIG_REPO, 'converge/adopt')['repos/api.yml']!;
    expect(changedLines(before, after)).toEqual(['-  description: as declared   # shown on the org page', '+  description: changed in the UI   # shown on the org page']);
    expect(after).toContain('# The public API. Owned by platform.');
    expect(pr!.body).toContain('Adoption asked by @owner');
    expect(pr!.body).toContain(`in #${issue.number}`);
    expect(pr!.body).toContain('Found by the full run.');
    expect(pr!.body).toContain('<code>spec.description</code>: <code>"changed in the UI"</code>');
    expect(fake.comments(CONFIG_REPO, issue.number).at(-1)!.body).toContain(`Opened #${pr!.number}`);
    // Nothing was written to the org: adopting changes only the config repo.
    expect(fake.repo('api').description).toBe('changed in the UI');

    const run = await planOf(pr!.number, context);
    expect(run.output.title).toBe('No changes');

    fake.mergePull(CONFIG_REPO, pr!.number);
    const afterMerge = await full(context);
    expect(afterMerge.issues.closed).toEqual([issue.number]);
    expect(openDriftIssues()).toEqual([]);
  });

  it('adds a second adoption to the open PR instead of opening another', async () => {
    seed();
    fake.repo('api').description = 'changed in the UI';
    fake.repo('api').has_wiki = false;
    const issue = await driftIssue();
    const context = workerContext(fake);
    const first = await processAdoptJob(ask(issue.number, '/converge adopt github.repository/api'), context);
    expect(first.result).toBe('opened');
    fake.addLabel('api', { name: 'wanted', color: '00ff00' });
    const second = await processAdoptJob(ask(issue.number, '/converge adopt github.label/api/wanted'), context);
    expect(second).toMatchObject({ result: 'updated', pull: { number: first.pull!.number } });
    expect(adoptPulls()).toHaveLength(1);
    const after = fake.files(CONFIG_REPO, 'converge/adopt')['repos/api.yml']!;
    expect(after).toContain('wiki: false');
    expect(after).toContain('name: api/wanted');
    const body = adoptPulls()[0]!.body!;
    expect(body).toContain('### <code>github.repository/api</code> in <code>repos/api.yml</code>');
    expect(body).toContain('### <code>github.label/api/wanted</code> in <code>repos/api.yml</code>\n- A new document: the resource was live but not declared.');
    expect((await planOf(first.pull!.number, context)).output.title).toBe('No changes');
  });

  it("carries who changed it, when the drift issue's item records it", async () => {
    seed();
    fake.repo('api').description = 'changed in the UI';
    const at = new Date(Date.now() - 3 * 60_000).toISOString();
    const issue = fake.addIssue(CONFIG_REPO, { title: 'Drift', body: itemsComment({ changes: [], readFailures: [], attribution: new Map([['github.repository/api', { by: 'alice', at }]]) }) });
    await processAdoptJob(ask(issue.number, '/converge adopt github.repository/api'), workerContext(fake));
    expect(adoptPulls()[0]!.body).toMatch(/Changed by @alice 3 minutes ago .*\. Adoption asked by @owner in #\d+\./);
  });

  it('is refused for someone who is not an admin, and for a comment edited since', async () => {
    seed();
    fake.repo('api').description = 'changed in the UI';
    const issue = await driftIssue();
    const refused = await processAdoptJob(ask(issue.number, '/converge adopt github.repository/api', 'mallory'), workerContext(fake));
    expect(refused.result).toBe('refused');
    expect(fake.comments(CONFIG_REPO, issue.number).at(-1)!.body).toContain('only admins of this repository can adopt drift');

    // The webhook said one key; GitHub's copy of the comment, edited since, says another.
    const comment = fake.addComment(CONFIG_REPO, issue.number, '/converge adopt github.label/api/bug', 'owner');
    const job: AdoptJob = { ...repoJob, key: 'github.repository/api', commentId: comment.id, requestedIn: issue.number };
    expect((await processAdoptJob(job, workerContext(fake))).result).toBe('refused');
    expect(fake.comments(CONFIG_REPO, issue.number).at(-1)!.body).toContain('the comment no longer asks to adopt github.repository/api');
    expect(adoptPulls()).toEqual([]);
  });

  it('answers when there is nothing to adopt', async () => {
    seed();
    fake.repo('api').description = 'changed in the UI';
    const issue = await driftIssue();
    const outcome = await processAdoptJob(ask(issue.number, '/converge adopt github.label/api/bug'), workerContext(fake));
    expect(outcome.result).toBe('nothing');
    expect(fake.comments(CONFIG_REPO, issue.number).at(-1)!.body).toContain('Nothing to adopt for `github.label/api/bug`');
    expect(adoptPulls()).toEqual([]);
  });
});

describe('drift mode adopt', () => {
  it('makes the full run open the adopt PR instead of reverting', async () => {
    seed('adopt');
    fake.repo('api').description = 'changed in the UI';
    const context = workerContext(fake);
    const outcome = await full(context);
    expect(outcome.reverted).toEqual([]);
    expect(fake.repo('api').description).toBe('changed in the UI');
    expect(outcome.adopt?.pull).toBeDefined();
    const [pr] = adoptPulls();
    expect(pr!.body).toContain('Adopted by the full run');
    expect(pr!.body).toContain('Found by the full run.');
    expect(changedLines(fake.files(CONFIG_REPO, 'main')['repos/api.yml']!, fake.files(CONFIG_REPO, 'converge/adopt')['repos/api.yml']!)).toHaveLength(2);

    // The next full run finds the same drift: the open PR already holds it, so nothing is added.
    fake.resetLog();
    const again = await full(context);
    expect(again.adopt?.pull).toBeUndefined();
    expect(fake.count({ method: 'POST', path: /\/git\/commits$/ })).toBe(0);

    fake.mergePull(CONFIG_REPO, pr!.number);
    const merged = await full(context);
    expect(merged.drifted).toBe(0);
    expect(openDriftIssues()).toEqual([]);
  });
});
