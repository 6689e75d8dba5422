import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convergeApp, type DeliveryOutcome } from '../../src/app/index.js';
import { readEnv } from '../../src/env/app-env.js';
import { configRepos } from '../../src/env/config-repos.js';
import { createRedis } from '../../src/queue/connection.js';
import { Queues } from '../../src/queue/queues.js';
import { catchUpOnStart } from '../../src/worker/catch-up.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { probotFor, silent } from '../support/harness.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../support/redis.js';
import { atRepo, example } from '../support/webhooks.js';

type Json = Record<string, any>;

describe('CONVERGE_CONFIG_REPO', () => {
  it('keeps the default, one config repo named converge-config', () => {
    const repos = configRepos(readEnv({}).CONVERGE_CONFIG_REPO);
    expect(repos.names).toEqual(['converge-config']);
    expect(repos.matches('Converge-Config')).toBe(true);
    expect(repos.matches('converge-config-old')).toBe(false);
  });

  it('takes a list of names, compared as GitHub compares repository names', () => {
    const repos = configRepos(readEnv({ CONVERGE_CONFIG_REPO: 'converge-config, Converge-DB' }).CONVERGE_CONFIG_REPO);
    expect(repos.names).toEqual(['converge-config', 'Converge-DB']);
    expect(['converge-db', 'CONVERGE-CONFIG', 'api'].map((name) => repos.matches(name))).toEqual([true, true, false]);
  });

  it('takes patterns, which are matched against the repositories an installation reaches', () => {
    const repos = configRepos(readEnv({ CONVERGE_CONFIG_REPO: 'converge-*,ops.config' }).CONVERGE_CONFIG_REPO);
    expect(repos.names).toBeUndefined();
    expect(['converge-db', 'Converge-Platform', 'ops.config', 'opsxconfig', 'api', 'my-converge-db'].map((name) => repos.matches(name))).toEqual([true, true, true, false, false, false]);
  });

  it.each([
    ['converge-config,,converge-db', 'no empty entry'],
    ['converge config', '"converge config" is not a repository name or pattern'],
    ['converge/{a,b}', '"converge/{a" is not a repository name or pattern'],
    ['!converge-config', 'is a negation'],
    ['converge-[db', '"converge-[db" is not a valid pattern'],
  ])('refuses %j, naming the variable', (value, why) => {
    expect(() => readEnv({ CONVERGE_CONFIG_REPO: value })).toThrow(/Invalid environment: CONVERGE_CONFIG_REPO: /);
    expect(() => readEnv({ CONVERGE_CONFIG_REPO: value })).toThrow(why);
  });
});

describe('several config repos: webhooks and catch-up', () => {
  // checkResponses: the installation's repository list the fake serves is checked against GitHub's schema.
  const fake = installFakeGitHub({ checkResponses: true });
  let prefix: string;
  let redis: Redis;
  let queues: Queues;
  let outcomes: DeliveryOutcome[];

  beforeEach(async () => {
    prefix = testPrefix();
    redis = createRedis({ url: REDIS_URL, cluster: false, role: 'producer' }) as Redis;
    await redis.connect();
    queues = new Queues(redis, prefix);
    outcomes = [];
  });

  afterEach(async () => {
    await queues.close();
    redis.disconnect();
    await deleteKeys(prefix);
  });

  async function handlerFor(value: string) {
    const probot = new Probot({
      appId: 1,
      privateKey: 'unused: handlers never call GitHub',
      secret: 'test-secret',
      log: pino({ level: 'silent' }),
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    await probot.load(convergeApp({ queues, env: readEnv({ CONVERGE_CONFIG_REPO: value }), onOutcome: (_id, _event, outcome) => void outcomes.push(outcome) }));
    return (repo: string) => probot.receive({ id: randomUUID(), name: 'push', payload: pushTo(repo) } as never);
  }

  const pushTo = (repo: string): Json =>
    example('push', undefined, (p) => {
      atRepo(p, 'acme', repo);
      p.ref = `refs/heads/${p.repository.default_branch}`;
      p.deleted = false;
    });
  const convergeJobs = async () => (await queues.converge.getJobs(['waiting', 'delayed', 'active'])).map((j) => j.data.repo).sort();

  it('takes pushes to every config repo a pattern matches, each as its own job, and ignores the rest', async () => {
    const push = await handlerFor('converge-*');
    for (const repo of ['converge-config', 'Converge-DB', 'api', 'converge']) await push(repo);
    expect(outcomes.map((o) => o.outcome)).toEqual(['enqueued', 'enqueued', 'ignored', 'ignored']);
    expect(await convergeJobs()).toEqual(['Converge-DB', 'converge-config']);
  });

  it('catches up every config repo on start: the names listed, or those of the installation a pattern matches', async () => {
    for (const name of ['converge-config', 'converge-db', 'api']) fake.addRepo({ name });
    const probot = probotFor(fake);
    const app = await probot.auth();
    expect(await catchUpOnStart(app, queues, 'converge-*', silent, (id) => probot.auth(id))).toBe(2);
    expect(await convergeJobs()).toEqual(['converge-config', 'converge-db']);
    expect(fake.count({ method: 'GET', path: /^\/installation\/repositories/ })).toBe(1);
    // Recorded, so that the drift handler can turn the org's events into drift checks of them.
    expect(await queues.configRepos.known('acme')).toEqual(['converge-config', 'converge-db']);
    // The list the fake serves matches GitHub's schema (the fake's /app/installations answer is not checked here).
    expect(fake.takeViolations().filter((v) => !v.includes('GET /app/installations '))).toEqual([]);

    // Plain names need no listing: a job for a name with no repository does nothing.
    await queues.converge.obliterate({ force: true });
    fake.resetLog();
    expect(await catchUpOnStart(app, queues, 'converge-config,converge-ops', silent)).toBe(2);
    expect(await convergeJobs()).toEqual(['converge-config', 'converge-ops']);
    expect(fake.count({ path: /^\/installation\/repositories/ })).toBe(0);
    expect(fake.takeViolations().filter((v) => !v.includes('GET /app/installations '))).toEqual([]);
  });
});
