/**
 * Part 8: drift from GitHub's events, as `npm start` runs it: signed `repository.edited`
 * webhooks into Probot's middleware (the shipped handlers, the shipped debounce), real Redis
 * and BullMQ, a worker started by `startWorkers`, and the installation client over HTTP with
 * 50 ms per request. Measured: requests to the target per event and the delay from delivery to
 * the drift issue, then a burst of 1,000 events across 100 repositories.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { convergeApp } from '../../src/app/index.js';
import { Registry } from '../../src/core/registry.js';
import { readEnv } from '../../src/env/app-env.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { createGitHubProvider, LruEtagCache } from '../../src/providers/github/index.js';
import { Queues } from '../../src/queue/queues.js';
import { startWorkers } from '../../src/worker/index.js';
import { processWorkerContext } from '../../src/worker/process-context.js';
import { atRepo, example, sign } from '../../test/support/webhooks.js';
import { runPart, type PartContext } from '../support/child.js';
import { CONFIG_REPO, ORG } from '../support/model.js';
import { benchPrefix, deleteKeys, REDIS_URL } from '../support/redis.js';
import { check, fmt, type BenchSize, type PartResult, type Row } from '../support/rows.js';
import { shippedGitHub } from '../support/shipped.js';

const SECTION = '8. Drift from events';
const SECRET = 'bench-secret';
const REPOSITORIES = 100;
const BURST = 1_000;
const repo = (i: number) => `svc-${String(i).padStart(3, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

runPart(async (size: BenchSize, part: PartContext): Promise<PartResult> => {
  const gh = await shippedGitHub({ latencyMs: size.latencyMs });
  const fake = gh.served.fake;
  const files: Record<string, string> = { 'converge.yml': 'providers:\n  github: {}\n' };
  for (let i = 0; i < REPOSITORIES; i++) {
    fake.addRepo({ name: repo(i), description: 'declared' });
    files[`repos/${repo(i)}.yml`] = `kind: github.repository\nname: ${repo(i)}\nspec:\n  description: declared\n`;
  }
  fake.addRepo({ name: CONFIG_REPO });
  fake.setFiles(CONFIG_REPO, files, { message: 'Declare the services' });

  const prefix = benchPrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = new Queues(redis, prefix);
  // The shipped default debounce: what a user waits for.
  const env = readEnv({ CONVERGE_CONFIG_REPO: CONFIG_REPO, CONVERGE_QUEUE_PREFIX: prefix });
  const silent = pino({ level: 'silent' });
  const registry = new Registry<ProviderDeps>([createGitHubProvider({ cache: new LruEtagCache() })]);
  const workers = startWorkers(
    processWorkerContext({
      auth: (id) => gh.probot.auth(id),
      appId: gh.appId,
      registry,
      env,
      processEnv: {},
      log: process.env.BENCH_DEBUG ? pino({ level: 'debug' }, pino.destination(2)) : silent,
      redis,
      producer: queues,
    }),
    { connection: redis, prefix, concurrency: 4 },
  );
  // The web side: handlers call GitHub for nothing here (the app's slug is given).
  const app = new Probot({ appId: 1, privateKey: 'unused: drift handlers never call GitHub', secret: SECRET, log: silent, Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }) });
  await app.load(convergeApp({ queues, env, appSlug: async () => 'converge' }));
  const middleware = await app.getNodeMiddleware({ log: silent });
  const server = createServer((req, res) => {
    void Promise.resolve(middleware(req, res)).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  const deliver = async (i: number) => {
    const body = JSON.stringify(
      example('repository', 'edited', (p) => {
        atRepo(p, ORG, repo(i));
        if (p.organization) p.organization.login = ORG;
        p.installation = { id: gh.installationId, node_id: 'I_1' };
        p.sender.login = 'alice';
        p.sender.type = 'User';
      }),
    );
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'repository', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(SECRET, body) }, body });
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`repository.edited answered ${response.status}`);
  };
  const targetRequests = () => fake.requests.filter((r) => !r.path.includes(`/${CONFIG_REPO}`) && !/access_tokens|^\/app/.test(r.path) && !(r.kind === 'graphql' && JSON.stringify(r.body).includes(CONFIG_REPO))).length;
  const driftIssue = () => fake.issues(CONFIG_REPO).find((i) => i.state === 'open');
  const driftJobs = async () => (await queues.converge.getJobs(['completed'])).filter((j) => j.name === 'drift').length;
  const waitFor = async <T>(probe: () => T | undefined | Promise<T | undefined>, limitMs: number): Promise<T> => {
    const deadline = performance.now() + limitMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (performance.now() > deadline) throw new Error('timed out');
      await sleep(20);
    }
  };

  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    // --- one hand change, one event ---
    fake.repo(repo(7)).description = 'changed in the UI';
    fake.resetLog();
    const started = performance.now();
    await deliver(7);
    await waitFor(() => (driftIssue()?.body?.includes('changed in the UI') ? true : undefined), 60_000);
    const latency = performance.now() - started;
    const perEvent = targetRequests();
    const debounce = env.CONVERGE_DRIFT_DEBOUNCE_MS;
    rows.push(
      {
        id: 'events.requests-per-event',
        section: SECTION,
        measure: 'Event → drift issue updated: requests to the target per event',
        value: perEvent,
        unit: 'requests',
        display: `${perEvent} (${fake.requests.length} in all, the config repo's snapshot and issue included)`,
        target: '≤ 3',
        status: check(perEvent, '<=', 3),
      },
      {
        id: 'events.latency',
        section: SECTION,
        measure: `Event → drift issue updated: delivery to issue, ${size.latencyMs} ms per request`,
        value: Math.round(latency - debounce),
        unit: 'ms',
        display: `${fmt.ms(latency)} in all: the ${fmt.ms(debounce)} debounce + ${fmt.ms(latency - debounce)}`,
        target: '< 2 s plus the debounce',
        status: check(latency - debounce, '<', 2000),
      },
    );
    part.progress({ rows: [...rows], notes });

    // --- a burst: 1,000 events across 100 repositories, 10 each ---
    for (let i = 0; i < REPOSITORIES; i++) fake.repo(repo(i)).description = `burst ${i}`;
    const jobsBefore = await driftJobs();
    fake.resetLog();
    const burstStarted = performance.now();
    for (let start = 0; start < BURST; start += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => deliver((start + k) % REPOSITORIES)));
    const delivered = performance.now() - burstStarted;
    // Done when a drift job ran since and none waits: a job queued behind the first (events that landed while it ran) counts too.
    const pending = async () => (await queues.converge.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.name === 'drift').length;
    await waitFor(async () => ((await driftJobs()) > jobsBefore && (await pending()) === 0 ? true : undefined), 90_000);
    const jobs = (await driftJobs()) - jobsBefore;
    notes.push(`Burst: ${fmt.int(BURST)} deliveries took ${fmt.ms(delivered)}, 50 at a time; the drift issue then reads "${driftIssue()?.title ?? 'none'}".`);
    const burstRequests = targetRequests();
    rows.push({
      id: 'events.burst',
      section: SECTION,
      measure: `Burst of ${fmt.int(BURST)} events across ${REPOSITORIES} repositories: drift jobs run, and requests to the target`,
      value: jobs,
      unit: 'jobs',
      display: `${jobs} job${jobs === 1 ? '' : 's'}, ${fmt.int(burstRequests)} requests to the target (${fmt.num(burstRequests / REPOSITORIES, 2)} per repository), done ${fmt.ms(performance.now() - burstStarted)} after the first delivery`,
      target: '≤ 1 job per resource per debounce window',
      status: check(jobs, '<=', REPOSITORIES),
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await workers.close();
    await queues.close();
    redis.disconnect();
    await deleteKeys(prefix);
    await gh.close();
  }
  return { rows, notes };
});
