import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convergeApp, type DeliveryOutcome } from '../../src/app/index.js';
import { InvalidPayloadError } from '../../src/app/payload.js';
import { createRedis } from '../../src/queue/connection.js';
import { Queues } from '../../src/queue/queues.js';
import { readEnv } from '../../src/env/app-env.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../support/redis.js';
import { atRepo, example } from '../support/webhooks.js';

const CONFIG_REPO = 'org-config';
type Json = Record<string, any>;

// Handlers driven through Probot's own dispatch (no HTTP): what each delivery enqueues, the
// outcome it reports, and the typed error a malformed but signed payload gets.
describe('webhook deliveries', () => {
  let prefix: string;
  let redis: Redis;
  let queues: Queues;
  let probot: Probot;
  let outcomes: Array<{ id: string; event: string } & DeliveryOutcome>;

  beforeEach(async () => {
    prefix = testPrefix();
    redis = createRedis({ url: REDIS_URL, cluster: false, role: 'producer' }) as Redis;
    await redis.connect();
    queues = new Queues(redis, prefix);
    outcomes = [];
    probot = new Probot({
      appId: 1,
      privateKey: 'unused: handlers never call GitHub',
      secret: 'test-secret',
      log: pino({ level: 'silent' }),
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    const onOutcome = (id: string, event: string, outcome: DeliveryOutcome) => void outcomes.push({ id, event, ...outcome });
    await probot.load(convergeApp({ queues, env: readEnv({ CONVERGE_CONFIG_REPO: CONFIG_REPO }), onOutcome }));
  });

  afterEach(async () => {
    await queues.close();
    redis.disconnect();
    await deleteKeys(prefix);
  });

  const receive = (name: string, payload: Json, id = randomUUID()) => probot.receive({ id, name, payload } as never);
  const jobs = async () => ({
    plan: (await queues.plan.getJobs(['waiting', 'delayed', 'active'])).map((j) => j.data),
    converge: (await queues.converge.getJobs(['waiting', 'delayed', 'active'])).map((j) => j.data),
  });
  const atConfig = (name: string, action: string | undefined, adjust: (p: Json) => void = () => {}) =>
    example(name, action, (p) => {
      atRepo(p, 'acme', CONFIG_REPO);
      adjust(p);
    });

  /** The InvalidPayloadError inside the AggregateError @octokit/webhooks rejects with. */
  async function invalid(name: string, payload: Json): Promise<InvalidPayloadError> {
    const error: unknown = await receive(name, payload).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const inner = (error as { errors?: unknown[] }).errors ?? [];
    const found = inner.find((e): e is InvalidPayloadError => e instanceof InvalidPayloadError);
    expect(found, String(error)).toBeDefined();
    return found!;
  }

  describe('a signed payload missing what its handler reads', () => {
    it.each([
      ['pull_request', 'opened', 'pull_request', 'pull_request: missing'],
      ['issue_comment', 'created', 'comment', 'comment: missing'],
      ['check_run', 'rerequested', 'check_run', 'check_run: missing'],
      ['push', undefined, 'after', 'after: missing'],
    ])('%s.%s without %s is rejected with a short reason, and nothing is enqueued', async (name, action, field, reason) => {
      const payload = atConfig(name, action, (p) => delete p[field]);
      const error = await invalid(name, payload);
      expect(error).toMatchObject({ code: 'invalid-payload', eventName: name, reason, message: `invalid ${name} payload: ${reason}` });
      expect(error.message).not.toMatch(/TypeError|at .*\.ts/);
      expect(await jobs()).toEqual({ plan: [], converge: [] });
      expect(outcomes).toEqual([]);
    });

    it('names the repository when it is missing', async () => {
      const payload = example('pull_request', 'opened', (p) => delete p.repository);
      expect((await invalid('pull_request', payload)).reason).toBe('repository: missing');
    });

    it('names a nested field of the wrong type', async () => {
      const payload = atConfig('pull_request', 'opened', (p) => (p.pull_request.head.sha = 42));
      expect((await invalid('pull_request', payload)).reason).toMatch(/^pull_request\.head\.sha: /);
    });

    it('is ignored, not validated, when it is for another repository', async () => {
      await receive('pull_request', example('pull_request', 'opened', (p) => delete p.pull_request));
      expect(outcomes.map((o) => [o.event, o.outcome, o.reason])).toEqual([['pull_request', 'ignored', 'not the config repo']]);
    });
  });

  it('reports one outcome per delivery, ignored ones with their reason', async () => {
    const id = randomUUID();
    await receive('pull_request', atConfig('pull_request', 'opened'), id);
    await receive('pull_request', atConfig('pull_request', 'opened', (p) => (p.pull_request.base.ref = 'release')));
    await receive('pull_request', atConfig('pull_request', 'labeled'));
    await receive('issue_comment', atConfig('issue_comment', 'created'));
    await receive('push', atConfig('push', undefined, (p) => (p.ref = 'refs/tags/v1')));
    await receive('push', atConfig('push', undefined, (p) => ((p.ref = `refs/heads/${p.repository.default_branch}`), (p.deleted = false))));
    await receive('check_run', atConfig('check_run', 'rerequested', (p) => (p.check_run.name = 'someone else’s check')));
    expect(outcomes.map((o) => [o.event, o.outcome, o.reason])).toEqual([
      ['pull_request', 'enqueued', 'plan'],
      ['pull_request', 'ignored', 'not the default branch'],
      ['pull_request', 'ignored', 'pull_request.labeled is not handled'],
      ['issue_comment', 'ignored', 'no /converge command'],
      ['push', 'ignored', 'not the default branch'],
      ['push', 'enqueued', 'convergence'],
      ['check_run', 'ignored', 'not a Converge check'],
    ]);
    expect(outcomes[0]!.id).toBe(id);
  });

  describe('pull requests from forks', () => {
    it('marks a PR whose head is in another repository, or in a deleted one, as from a fork', async () => {
      const pr = (number: number, head: Json | null) =>
        atConfig('pull_request', 'opened', (p) => {
          p.number = number;
          p.pull_request.number = number;
          p.pull_request.head.repo = head;
        });
      const own = atConfig('pull_request', 'opened');
      await receive('pull_request', pr(1, { ...own.repository }));
      await receive('pull_request', pr(2, { ...own.repository, id: own.repository.id + 1, full_name: 'mallory/org-config' }));
      await receive('pull_request', pr(3, null));
      const plans = (await jobs()).plan.sort((a, b) => a.pullNumber - b.pullNumber);
      expect(plans.map((j) => [j.pullNumber, j.fromFork])).toEqual([
        [1, false],
        [2, true],
        [3, true],
      ]);
    });

    it('marks re-requested plans of fork PRs too', async () => {
      await receive('check_run', atConfig('check_run', 'rerequested', (p) => {
        p.check_run.name = 'Converge plan';
        const base = { ref: p.repository.default_branch, sha: 'c'.repeat(40), repo: { id: p.repository.id, url: 'x', name: CONFIG_REPO } };
        p.check_run.pull_requests = [
          { number: 7, id: 1, url: 'x', head: { ref: 'f', sha: p.check_run.head_sha, repo: { id: p.repository.id + 1, url: 'x', name: CONFIG_REPO } }, base },
        ];
      }));
      expect((await jobs()).plan.map((j) => [j.pullNumber, j.fromFork])).toEqual([[7, true]]);
    });
  });

  describe('/converge full-run comments', () => {
    const comment = (id: number, login: string | null, body: string) =>
      atConfig('issue_comment', 'created', (p) => {
        p.comment.id = id;
        p.comment.body = body;
        p.comment.user = login === null ? null : { ...p.comment.user, login };
      });

    it('carry the comment id, so the worker can confirm who asked', async () => {
      await receive('issue_comment', comment(11, 'octocat', '/converge full-run'));
      expect((await jobs()).converge).toEqual([
        expect.objectContaining({ reason: 'manual', commentId: 11, requestedBy: 'octocat', requestedIn: expect.any(Number) }),
      ]);
    });

    it('are enqueued for a deleted author too, without a requester, for the worker to refuse', async () => {
      await receive('issue_comment', comment(12, null, '/converge full-run'));
      const [job] = (await jobs()).converge;
      expect(job).toMatchObject({ reason: 'manual', commentId: 12 });
      expect(job).not.toHaveProperty('requestedBy');
    });

    it('never collapse across requesters or flags; a redelivery of one comment does', async () => {
      await receive('issue_comment', comment(21, 'mallory', '/converge full-run'));
      await receive('issue_comment', comment(22, 'admin', '/converge full-run --allow-deletions'));
      await receive('issue_comment', comment(22, 'admin', '/converge full-run --allow-deletions'));
      const runs = (await jobs()).converge as Json[];
      expect(runs.map((j) => [j.commentId, j.requestedBy, j.overrideMaxDeletions ?? false]).sort()).toEqual([
        [21, 'mallory', false],
        [22, 'admin', true],
      ]);
      expect(outcomes.map((o) => o.outcome)).toEqual(['enqueued', 'enqueued', 'enqueued']);
    });
  });
});
