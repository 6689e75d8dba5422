/**
 * What the delta and first-convergence paths cost in requests, with the worker wiring
 * `npm start` uses (the Redis snapshot cache and progress hint). Counts only, never times.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisProgressStore } from '../../src/queue/progress-store.js';
import { RedisSnapshotCache } from '../../src/queue/snapshot-cache.js';
import type { WorkerContext } from '../../src/worker/context.js';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { installFakeGitHub, type RequestRecord } from '../support/fake-github/index.js';
import { CONFIG_REPO, labelDoc, repoFile, workerContext } from '../support/harness.js';
import { connectRedis, deleteKeys, testPrefix } from '../support/redis.js';

const fake = installFakeGitHub();
const job = { installationId: 1, owner: 'acme', repo: CONFIG_REPO };
const hooks = { remember: async () => undefined, finalAttempt: true };

/** One line per request: method, path and, for GraphQL, the operation's name. */
function described(requests: readonly RequestRecord[]): string[] {
  return requests
    .filter((r) => !r.path.startsWith('/app/'))
    .map((r) => {
      if (r.kind === 'graphql') return `POST /graphql ${/query (\w+)/.exec(String((r.body as { query?: string }).query))?.[1] ?? '?'}`;
      return `${r.method} ${decodeURIComponent(r.path)}`;
    });
}

const repoDoc = (name: string, description: string, bugColor: string) =>
  `${repoFile(name, `  description: ${description}\n`)}---\n${labelDoc(name, 'bug', bugColor)}---\n${labelDoc(name, 'docs', '0075ca')}`;

describe('request budgets, as shipped (Redis snapshot cache and progress hint)', () => {
  let prefix: string;
  const connections: Redis[] = [];
  let context: WorkerContext;

  beforeEach(async () => {
    prefix = testPrefix();
    const redis = await connectRedis(connections);
    context = { ...workerContext(fake), snapshots: new RedisSnapshotCache(redis, { prefix }), progress: new RedisProgressStore(redis, prefix) };
  });

  afterEach(async () => {
    for (const redis of connections.splice(0)) redis.disconnect();
    await deleteKeys(prefix);
  });

  function seedOrg(count: number): string {
    const files: Record<string, string> = { 'converge.yml': 'providers:\n  github: {}\n' };
    for (let i = 0; i < count; i++) {
      const name = `svc-${i}`;
      fake.addRepo({ name, description: `service ${i}`, labels: [{ name: 'bug', color: 'd73a4a' }, { name: 'docs', color: '0075ca' }] });
      files[`repos/${name}.yml`] = repoDoc(name, `service ${i}`, 'd73a4a');
    }
    fake.addRepo({ name: CONFIG_REPO });
    return fake.setFiles(CONFIG_REPO, files);
  }

  it('plans a one-file PR in 5 requests and converges its merge in 7', async () => {
    seedOrg(40);
    // The first convergence records its commit, caches its snapshot and writes the hint.
    expect((await processConvergeJob(job, context)).conclusion).toBe('success');

    const change = { 'repos/svc-7.yml': repoDoc('svc-7', 'the seventh service', 'b60205') };
    const headSha = fake.commit(CONFIG_REPO, change, { branch: 'change-svc-7' });
    const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'change-svc-7' } });
    fake.resetLog();
    const plan = await processPlanJob({ ...job, pullNumber: pull.number, headSha, baseSha: pull.base.sha, fromFork: false }, context, hooks);
    expect(plan.conclusion).toBe('success');
    expect(described(fake.requests).sort()).toEqual(
      [
        `GET /repos/acme/${CONFIG_REPO}/compare/${pull.base.sha}...${headSha}`,
        // Only the changed file: the base snapshot comes from the cache.
        `GET /repos/acme/${CONFIG_REPO}/contents/repos/svc-7.yml`,
        'GET /repos/acme/svc-7',
        'GET /repos/acme/svc-7/labels',
        // Created finished: no in-progress check run and its update.
        `POST /repos/acme/${CONFIG_REPO}/check-runs`,
      ].sort(),
    );

    const mergeSha = fake.commit(CONFIG_REPO, change, { message: `Merge pull request #${pull.number}` });
    Object.assign(pull, { merged: true, state: 'closed', merge_commit_sha: mergeSha, merged_at: new Date().toISOString() });
    fake.resetLog();
    const converged = await processConvergeJob(job, context);
    expect(converged).toMatchObject({ conclusion: 'success', headSha: mergeSha });
    expect(converged.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(fake.repo('svc-7').description).toBe('the seventh service');
    expect(described(fake.requests).sort()).toEqual(
      [
        // Head, its tree and the merged PR with its comments, in one query; progress from the hint.
        'POST /graphql ConvergeHead',
        // Both snapshots from the cache (the PR's head tree is the merge's): no config repo reads.
        'GET /repos/acme/svc-7',
        'GET /repos/acme/svc-7/labels',
        'PATCH /repos/acme/svc-7',
        'PATCH /repos/acme/svc-7/labels/bug',
        `POST /repos/acme/${CONFIG_REPO}/check-runs`,
        `POST /repos/acme/${CONFIG_REPO}/issues/${pull.number}/comments`,
      ].sort(),
    );
  });

  it('looks in the history when the snapshot the hint names has expired, and converges all the same', async () => {
    seedOrg(3);
    expect((await processConvergeJob(job, context)).conclusion).toBe('success');
    const redis = connections[0]!;
    for (const key of await redis.keys(`${prefix}:snapshot:*`)) await redis.del(key);
    fake.commit(CONFIG_REPO, { 'repos/svc-1.yml': repoDoc('svc-1', 'renamed service', 'd73a4a') });
    fake.resetLog();
    const outcome = await processConvergeJob(job, context);
    expect(outcome.conclusion).toBe('success');
    expect(described(fake.requests)).toContain('POST /graphql ConvergeProgress');
    expect(fake.repo('svc-1').description).toBe('renamed service');
    // The hint is back, and with it the cached snapshot: the next one costs no history query.
    fake.commit(CONFIG_REPO, { 'repos/svc-2.yml': repoDoc('svc-2', 'another', 'd73a4a') });
    fake.resetLog();
    expect((await processConvergeJob(job, context)).conclusion).toBe('success');
    expect(described(fake.requests)).not.toContain('POST /graphql ConvergeProgress');
    expect(fake.repo('svc-2').description).toBe('another');
  });

  it('reads the org in bulk on a first convergence with no recorded progress', async () => {
    seedOrg(150);
    fake.resetLog();
    const outcome = await processConvergeJob(job, context);
    expect(outcome.conclusion).toBe('success');
    expect(outcome.results).toEqual([]);
    const requests = described(fake.requests).map((r) => r.replace(/[0-9a-f]{40}/g, '<sha>'));
    // One check run; a run slower than a couple of seconds also shows itself in progress first.
    expect(requests.filter((r) => r.startsWith('POST') && r.includes('/check-runs'))).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith('PATCH') && r.includes('/check-runs')).length).toBeLessThanOrEqual(1);
    expect(requests.filter((r) => !r.includes('/check-runs')).sort()).toEqual(
      [
        'POST /graphql ConvergeHead',
        'POST /graphql ConvergeProgress',
        `GET /repos/acme/${CONFIG_REPO}/tarball/<sha>`,
        `GET /acme/${CONFIG_REPO}/legacy.tar.gz/<sha>`,
        // 151 repositories (the config repo too), 100 per page; labels ride along.
        'POST /graphql ConvergeRepositories',
        'POST /graphql ConvergeRepositories',
      ].sort(),
    );
  });
});
