import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../support/app-server.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { atRepo, example, sign } from '../support/webhooks.js';

const CONFIG_REPO = 'org-config';
// Handlers call GitHub only to acknowledge `/converge` comments; any other request fails the test.
const fake = installFakeGitHub();

describe('webhook handlers', () => {
  let server: AppServer;
  let redis: AppServer['redis'];
  let queues: AppServer['queues'];

  beforeEach(async () => {
    server = await startAppServer({ env: { CONVERGE_CONFIG_REPO: CONFIG_REPO } });
    ({ redis, queues } = server);
  });

  afterEach(() => server.close());

  const deliver = (name: string, payload: object, options: { id?: string; signature?: string | null } = {}) => server.deliver(name, payload, options);


  const jobs = async () => ({
    plan: await queues.plan.getJobs(['waiting', 'delayed', 'active']),
    converge: await queues.converge.getJobs(['waiting', 'delayed', 'active']),
  });

  const prOpened = () =>
    example('pull_request', 'opened', (p) => atRepo(p, 'acme', CONFIG_REPO));

  it('enqueues one plan job for a PR to the config repo', async () => {
    const payload = prOpened();
    const response = await deliver('pull_request', payload);
    expect(response.status).toBe(200);
    const { plan } = await jobs();
    expect(plan.map((j) => j.data)).toEqual([
      { installationId: 1, owner: 'acme', repo: CONFIG_REPO, pullNumber: payload.number, headSha: payload.pull_request.head.sha, baseSha: payload.pull_request.base.sha, fromFork: false },
    ]);
  });

  it('plans synchronize and reopened too', async () => {
    await deliver('pull_request', example('pull_request', 'synchronize', (p) => atRepo(p, 'acme', CONFIG_REPO)));
    await deliver('pull_request', example('pull_request', 'reopened', (p) => atRepo(p, 'acme', CONFIG_REPO)));
    expect((await jobs()).plan.length).toBeGreaterThanOrEqual(1);
  });

  it('ignores other repositories, PRs into other branches and other actions', async () => {
    await deliver('pull_request', example('pull_request', 'opened'));
    await deliver('pull_request', example('pull_request', 'opened', (p) => {
      atRepo(p, 'acme', CONFIG_REPO);
      p.pull_request.base.ref = 'release';
    }));
    await deliver('pull_request', example('pull_request', 'labeled', (p) => atRepo(p, 'acme', CONFIG_REPO)));
    expect(await jobs()).toEqual({ plan: [], converge: [] });
  });

  it('collapses a redelivered webhook into one job', async () => {
    const payload = prOpened();
    const id = randomUUID();
    await deliver('pull_request', payload, { id });
    await deliver('pull_request', payload, { id });
    expect((await jobs()).plan).toHaveLength(1);
  });

  it('rejects a bad or missing signature and queues nothing', async () => {
    const payload = prOpened();
    const bad = await deliver('pull_request', payload, { signature: sign('wrong', JSON.stringify(payload)) });
    const missing = await deliver('pull_request', payload, { signature: null });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(await jobs()).toEqual({ plan: [], converge: [] });
  });

  it('enqueues convergence for pushes to the default branch only, collapsing bursts', async () => {
    const push = (ref: string, after: string) =>
      example('push', undefined, (p) => {
        atRepo(p, 'acme', CONFIG_REPO);
        p.ref = ref;
        p.after = after;
      });
    await deliver('push', push('refs/tags/v1', 'a'.repeat(40)));
    await deliver('push', push('refs/heads/feature', 'b'.repeat(40)));
    expect((await jobs()).converge).toEqual([]);
    for (const sha of ['1', '2', '3']) await deliver('push', push('refs/heads/master', sha.repeat(40)));
    const { converge } = await jobs();
    expect(converge).toHaveLength(1);
    expect(converge[0]!.data).toMatchObject({ owner: 'acme', repo: CONFIG_REPO, installationId: 1 });
  });

  it('re-plans when the plan check is re-run, for each PR of the check', async () => {
    const payload = example('check_run', 'rerequested', (p) => {
      atRepo(p, 'acme', CONFIG_REPO);
      p.check_run.name = 'Converge plan';
      p.check_run.pull_requests = [{ number: 7, id: 1, url: 'x', head: { ref: 'f', sha: p.check_run.head_sha, repo: p.repository }, base: { ref: p.repository.default_branch, sha: 'c'.repeat(40), repo: p.repository } }];
    });
    await deliver('check_run', payload);
    const { plan } = await jobs();
    expect(plan.map((j) => [j.data.pullNumber, j.data.headSha])).toEqual([[7, payload.check_run.head_sha]]);
  });

  it('converges again when the apply check is re-run', async () => {
    await deliver('check_run', example('check_run', 'rerequested', (p) => {
      atRepo(p, 'acme', CONFIG_REPO);
      p.check_run.name = 'Converge apply';
      p.check_run.pull_requests = [];
    }));
    const { plan, converge } = await jobs();
    expect(plan).toEqual([]);
    expect(converge.map((j) => [j.name, j.data.repo])).toEqual([['converge', CONFIG_REPO]]);
  });

  it('re-plans the PRs of a re-requested check suite, and converges when it is on the default branch', async () => {
    await deliver('check_suite', example('check_suite', 'rerequested', (p) => {
      atRepo(p, 'acme', CONFIG_REPO);
      p.check_suite.head_branch = p.repository.default_branch;
      p.check_suite.pull_requests = [];
    }));
    expect((await jobs()).converge).toHaveLength(1);
  });

  it('starts a full run on `/converge full-run` and passes who asked', async () => {
    await deliver('issue_comment', example('issue_comment', 'created', (p) => {
      atRepo(p, 'acme', CONFIG_REPO);
      p.comment.body = '/converge full-run --allow-deletions';
    }));
    await deliver('issue_comment', example('issue_comment', 'created', (p) => atRepo(p, 'acme', CONFIG_REPO)));
    const { converge } = await jobs();
    expect(converge.map((j) => [j.name, j.data])).toEqual([
      ['full-run', expect.objectContaining({ reason: 'manual', overrideMaxDeletions: true, requestedBy: expect.any(String) })],
    ]);
  });

  describe('/converge comments', () => {
    /** A comment the fake holds (so GitHub can react to it), delivered as its webhook. */
    const commented = (body: string, author = 'octocat', senderType = 'User') => {
      fake.addRepo({ name: CONFIG_REPO });
      const issue = fake.addIssue(CONFIG_REPO, { title: 'Please converge' });
      const record = fake.addComment(CONFIG_REPO, issue.number, body, author);
      const payload = example('issue_comment', 'created', (p) => {
        atRepo(p, 'acme', CONFIG_REPO);
        p.issue.number = issue.number;
        p.comment.id = record.id;
        p.comment.body = body;
        p.comment.user = { ...p.comment.user, login: author, type: senderType };
        p.sender = { ...p.sender, login: author, type: senderType };
      });
      return { issue: issue.number, payload };
    };
    const reactions = (issue: number) => fake.comments(CONFIG_REPO, issue)[0]!.reactions.map((r) => [r.content, r.user.login]);
    const replies = (issue: number) => fake.comments(CONFIG_REPO, issue).slice(1).map((c) => c.body);

    it('reacts with eyes before enqueueing the full run, and replies nothing', async () => {
      const { issue, payload } = commented('Drift again?\n/converge full-run');
      expect((await deliver('issue_comment', payload)).status).toBe(200);
      expect(reactions(issue)).toEqual([['eyes', 'converge[bot]']]);
      expect(replies(issue)).toEqual([]);
      expect((await jobs()).converge.map((j) => j.name)).toEqual(['full-run']);
    });

    it.each([
      ['/converge ful-run', '/converge full-run'],
      ['/converge fullrun', '/converge full-run'],
      ['/converge full-run --allow-deletion', '/converge full-run --allow-deletions'],
    ])('answers the typo `%s` with the usage text and `%s`, and enqueues nothing', async (typed, meant) => {
      const { issue, payload } = commented(typed);
      expect((await deliver('issue_comment', payload)).status).toBe(200);
      expect(reactions(issue)).toEqual([['eyes', 'converge[bot]']]);
      const [reply, ...more] = replies(issue);
      expect(more).toEqual([]);
      expect(reply).toContain(`Did you mean \`${meant}\`?`);
      expect(reply).toContain('- `/converge full-run`:');
      expect(reply).toContain('- `/converge full-run --allow-deletions`:');
      expect(await jobs()).toEqual({ plan: [], converge: [] });
    });

    it('lists the commands, without a guess, for a command nothing like them', async () => {
      const { issue, payload } = commented('/converge status please');
      await deliver('issue_comment', payload);
      const [reply] = replies(issue);
      expect(reply).toMatch(/^Converge does not know the command `\/converge status please`\./);
      expect(reply).not.toContain('Did you mean');
      expect(reply).toContain('`/converge full-run`');
      expect((await jobs()).converge).toEqual([]);
    });

    it('ignores an app\'s comments, Converge\'s own usage text included', async () => {
      const { issue, payload } = commented('Commands:\n/converge full-run', 'converge[bot]', 'Bot');
      await deliver('issue_comment', payload);
      expect(reactions(issue)).toEqual([]);
      expect(replies(issue)).toEqual([]);
      expect((await jobs()).converge).toEqual([]);
    });

    it('neither reacts nor replies to a comment without a /converge line', async () => {
      const { issue, payload } = commented('We should /converge full-run later, say /convergence');
      await deliver('issue_comment', payload);
      expect(reactions(issue)).toEqual([]);
      expect(fake.count({ method: 'POST' })).toBe(0);
    });
  });

  it('answers 5xx when the job cannot be enqueued, so GitHub can redeliver', async () => {
    redis.disconnect();
    const response = await deliver('pull_request', prOpened());
    expect(response.status).toBeGreaterThanOrEqual(500);
  });
  describe('onboarding', () => {
    const onboarding = async () => (await jobs()).converge.filter((j) => j.name === 'onboard').map((j) => j.data);

    it('checks the config repo when the app is installed on it, and only the config repo', async () => {
      const payload = example('installation', 'created', (p) => {
        p.installation.account.login = 'acme';
        p.installation.id = 7;
        p.repositories = [{ id: 1, node_id: 'R_1', name: 'api', full_name: 'acme/api', private: true }, { id: 2, node_id: 'R_2', name: CONFIG_REPO, full_name: `acme/${CONFIG_REPO}`, private: true }];
      });
      expect((await deliver('installation', payload)).status).toBe(200);
      expect(await onboarding()).toEqual([{ installationId: 7, owner: 'acme', repo: CONFIG_REPO, reason: 'installed' }]);
    });

    it('checks it when it is added to the installation later, or created', async () => {
      await deliver('installation_repositories', example('installation_repositories', 'added', (p) => {
        p.installation.account.login = 'acme';
        p.repositories_added = [{ id: 1, node_id: 'R_1', name: 'api', full_name: 'acme/api', private: true }];
      }));
      expect(await onboarding()).toEqual([]);
      await deliver('repository', example('repository', 'created', (p) => atRepo(p, 'acme', CONFIG_REPO)));
      expect(await onboarding()).toEqual([expect.objectContaining({ owner: 'acme', repo: CONFIG_REPO, reason: 'created' })]);
    });

    it('onboards no other repository being created (it gets a drift check instead)', async () => {
      await deliver('repository', example('repository', 'created', (p) => atRepo(p, 'acme', 'api')));
      const { plan, converge } = await jobs();
      expect(plan).toEqual([]);
      expect(converge.map((j) => j.name)).toEqual(['drift']);
    });
  });
});
