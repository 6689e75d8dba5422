/** The `pull_request_review` handler: validate, filter, enqueue an approval check; nothing else. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../support/app-server.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { atRepo, example } from '../support/webhooks.js';

const CONFIG_REPO = 'org-config';
// The handler calls no GitHub API: any request fails the test.
installFakeGitHub();

describe('the pull_request_review handler', () => {
  let server: AppServer;
  let queues: AppServer['queues'];
  let outcomes: AppServer['outcomes'];

  beforeEach(async () => {
    server = await startAppServer({ env: { CONVERGE_CONFIG_REPO: CONFIG_REPO } });
    ({ queues, outcomes } = server);
  });

  afterEach(() => server.close());

  const deliver = (payload: object) => server.deliver('pull_request_review', payload);

  const event = (action: 'submitted' | 'dismissed', adjust: (p: Record<string, any>) => void = () => {}) =>
    example('pull_request_review', action, (p) => {
      atRepo(p, 'acme', CONFIG_REPO);
      p.review.state = action === 'dismissed' ? 'dismissed' : 'approved';
      adjust(p);
    });
  const approvalJobs = async () => (await queues.approvals.getJobs(['waiting', 'delayed', 'active'])).map((j) => j.data);

  it('enqueues one approval check per PR for a submitted or dismissed review, collapsing a burst', async () => {
    const submitted = event('submitted');
    expect((await deliver(submitted)).status).toBe(200);
    expect((await deliver(event('dismissed'))).status).toBe(200);
    expect(await approvalJobs()).toEqual([{ installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: submitted.pull_request.number }]);
    expect(outcomes).toEqual([
      { outcome: 'enqueued', reason: 'approval check' },
      { outcome: 'enqueued', reason: 'approval check' },
    ]);
    // Never a plan: approvals re-gate the plan check, they do not recompute it.
    expect(await queues.plan.getJobs(['waiting', 'delayed', 'active'])).toEqual([]);
  });

  it('ignores a comment review, a PR into another branch and other repositories', async () => {
    await deliver(event('submitted', (p) => (p.review.state = 'commented')));
    await deliver(event('submitted', (p) => (p.pull_request.base.ref = 'release')));
    await deliver(example('pull_request_review', 'submitted'));
    expect(await approvalJobs()).toEqual([]);
    expect(outcomes.map((o) => o.reason)).toEqual(['a comment review', 'not the default branch', 'not the config repo']);
  });

  it('refuses a review payload without its pull request (the web layer answers it 400)', async () => {
    const response = await deliver(event('submitted', (p) => delete p.pull_request));
    expect(response.ok).toBe(false);
    expect(outcomes).toEqual([]);
    expect(await approvalJobs()).toEqual([]);
  });
});
