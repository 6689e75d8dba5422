/**
 * Owner approvals through the shipped `npm start`, driven by signed webhooks only: a PR
 * changing a resource owned by another team stays not-successful until that team approves at
 * the PR's head, a stale approval does not count, and the approval webhook re-gates the plan
 * check without reading any target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullRecord, ReviewRecord } from '../support/fake-github/index.js';
import { atRepo, example } from '../support/webhooks.js';
import { deliver, pullRequestEvent } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';

const SETTINGS = 'providers:\n  github: {}\napprovals:\n  required: owners\n';
const dbFile = (description: string) => `kind: github.repository\nname: db\nowners: ["@acme/db"]\nspec:\n  description: ${description}\n`;

/** GitHub's published `pull_request_review` example, pointed at the fake's PR and review. */
function reviewEvent(stack: Stack, pull: PullRecord, review: ReviewRecord, action: 'submitted' | 'dismissed' = 'submitted') {
  const repo = stack.fake.repo(CONFIG_REPO);
  return example('pull_request_review', action, (p) => {
    atRepo(p, repo.owner, repo.name);
    p.repository.id = repo.id;
    p.repository.default_branch = repo.default_branch;
    p.pull_request.number = pull.number;
    p.pull_request.head.sha = pull.head.sha;
    p.pull_request.base.ref = pull.base.ref;
    p.pull_request.user.login = pull.user.login;
    p.review.id = review.id;
    p.review.user.login = review.user.login;
    p.review.state = review.state.toLowerCase();
    p.review.commit_id = review.commit_id;
  });
}

describe('owner approvals through npm start', () => {
  let stack: Stack;
  let app: ShippedProcess;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    stack.fake.addRepo({ name: CONFIG_REPO });
    stack.fake.addRepo({ name: 'db', description: 'old' });
    stack.fake.addTeam({ name: 'db', members: ['carol'] });
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/db.yml': dbFile('old') });
    ({ app, url } = await stack.startApp());
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const planCheck = (sha: string) => stack.fake.checkRuns(CONFIG_REPO).find((r) => r.name === 'Converge plan' && r.head_sha === sha && r.status === 'completed');
  const approvalJobsDone = () => app.lines.filter((l) => l.msg === 'job finished' && l.job === 'approvals').length;

  async function review(pull: PullRecord, login: string) {
    const done = approvalJobsDone();
    const submitted = stack.fake.submitReview(CONFIG_REPO, pull.number, { login, state: 'APPROVED' });
    const from = stack.fake.requests.length;
    expect((await deliver(url, SECRET, 'pull_request_review', reviewEvent(stack, pull, submitted))).status).toBe(200);
    await waitFor(() => approvalJobsDone() > done, 'the approval check to finish');
    return stack.fake.requests.slice(from);
  }

  async function openPull(branch: string, description: string) {
    const { fake } = stack;
    fake.commit(CONFIG_REPO, { 'repos/db.yml': dbFile(description) }, { branch });
    const pull = fake.addPull(CONFIG_REPO, { head: { ref: branch }, user: { login: 'alice', id: 501, type: 'User' } });
    expect((await deliver(url, SECRET, 'pull_request', pullRequestEvent(fake, CONFIG_REPO, pull))).status).toBe(200);
    return { pull, check: await waitFor(() => planCheck(pull.head.sha), 'the plan check run') };
  }

  it('keeps a PR changing a resource of @acme/db not-successful until a member approves, then re-gates reading no target', async () => {
    const { fake } = stack;
    const { pull, check } = await openPull('describe-db', 'described');
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Waiting for approval from @acme/db · 1 to update');
    expect(check.output.summary).toContain('| <code>@acme/db</code> | ⏳ not yet | <code>github.repository/db</code> |');

    const requests = await review(pull, 'carol');
    const after = planCheck(pull.head.sha)!;
    expect(after.id).toBe(check.id);
    expect(after.conclusion).toBe('success');
    expect(after.output.summary).toContain('| <code>@acme/db</code> | ✅ <code>carol</code> | — |');
    // The PR, the plan check, the reviews, carol's membership, the update: nothing of the db repository.
    expect(requests.filter((r) => !r.path.startsWith('/app/')).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/acme/${CONFIG_REPO}/pulls/${pull.number}`,
      `GET /repos/acme/${CONFIG_REPO}/commits/${pull.head.sha}/check-runs`,
      `GET /repos/acme/${CONFIG_REPO}/pulls/${pull.number}/reviews`,
      'GET /orgs/acme/teams/db/memberships/carol',
      `PATCH /repos/acme/${CONFIG_REPO}/check-runs/${check.id}`,
    ]);
    expect(fake.repo('db').description).toBe('old');
    expect(fake.assertClean()).toBeUndefined();
  });

  it('does not count an approval given before a new push', async () => {
    const { fake } = stack;
    const { pull } = await openPull('rename-db', 'first try');
    await review(pull, 'carol');
    expect(planCheck(pull.head.sha)?.conclusion).toBe('success');

    fake.commit(CONFIG_REPO, { 'repos/db.yml': dbFile('second try') }, { branch: 'rename-db' });
    pull.head.sha = fake.head(CONFIG_REPO, 'rename-db')!;
    expect((await deliver(url, SECRET, 'pull_request', pullRequestEvent(fake, CONFIG_REPO, pull, 'synchronize'))).status).toBe(200);
    const second = await waitFor(() => planCheck(pull.head.sha), 'the plan check run of the new head');
    expect(second.conclusion).toBe('action_required');
    // The old approval delivered again (as a redelivery would) still does not count.
    const stale = fake.reviews(CONFIG_REPO, pull.number)[0]!;
    expect(stale.commit_id).not.toBe(pull.head.sha);
    const done = approvalJobsDone();
    expect((await deliver(url, SECRET, 'pull_request_review', reviewEvent(stack, pull, stale))).status).toBe(200);
    await waitFor(() => approvalJobsDone() > done, 'the approval check of the stale review');
    expect(planCheck(pull.head.sha)?.conclusion).toBe('action_required');
    expect(fake.assertClean()).toBeUndefined();
  });
});
