/** The `pull_request_review` handler: validate, filter, enqueue an approval check; nothing else. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convergeApp, type DeliveryOutcome } from '../../src/app/index.js';
import { readEnv } from '../../src/env/app-env.js';
import { createRedis } from '../../src/queue/connection.js';
import { Queues } from '../../src/queue/queues.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../support/redis.js';
import { atRepo, example, sign } from '../support/webhooks.js';

const SECRET = 'test-secret';
const CONFIG_REPO = 'org-config';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
// The handler calls no GitHub API: any request fails the test.
installFakeGitHub();

describe('the pull_request_review handler', () => {
  let prefix: string;
  let redis: Redis;
  let queues: Queues;
  let server: Server;
  let url: string;
  const outcomes: DeliveryOutcome[] = [];

  beforeEach(async () => {
    prefix = testPrefix();
    redis = createRedis({ url: REDIS_URL, cluster: false, role: 'producer' }) as Redis;
    await redis.connect();
    queues = new Queues(redis, prefix);
    outcomes.length = 0;
    const probot = new Probot({
      appId: 1,
      privateKey,
      secret: SECRET,
      log: pino({ level: 'silent' }),
      Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, retry: { enabled: false }, throttle: { ...(options.throttle as object | undefined), enabled: false } })),
    });
    await probot.load(convergeApp({ queues, env: readEnv({ CONVERGE_CONFIG_REPO: CONFIG_REPO }), onOutcome: (_id, _event, outcome) => outcomes.push(outcome) }));
    const middleware = await probot.getNodeMiddleware({ log: pino({ level: 'silent' }) });
    server = createServer((req, res) => {
      void Promise.resolve(middleware(req, res)).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await queues.close();
    redis.disconnect();
    await deleteKeys(prefix);
  });

  async function deliver(payload: object) {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', 'x-github-event': 'pull_request_review', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(SECRET, body) };
    return fetch(url, { method: 'POST', headers, body });
  }

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
