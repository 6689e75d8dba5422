/**
 * Part 4: request → 2xx latency of pull_request and push webhooks, served by Probot's node
 * middleware on loopback with signed payloads (GitHub's published examples), each one
 * enqueueing a job into real Redis. Deliveries go one at a time after a warm-up; every timed
 * one is a distinct job (distinct PR head / distinct org), so none is deduplicated away.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { convergeApp } from '../../src/app/index.js';
import { createRedis } from '../../src/queue/connection.js';
import { Queues } from '../../src/queue/queues.js';
import { readEnv } from '../../src/env/app-env.js';
import { atRepo, example, sign } from '../../test/support/webhooks.js';
import { runPart } from '../support/child.js';
import { CONFIG_REPO, ORG } from '../support/model.js';
import { benchPrefix, deleteKeys, percentile, REDIS_URL } from '../support/redis.js';
import { check, fmt, type BenchSize, type PartResult, type Row } from '../support/rows.js';

const SECRET = 'bench-secret';
const WARM_UP = 20;
const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');

runPart(async (size: BenchSize): Promise<PartResult> => {
  const prefix = benchPrefix();
  const redis = createRedis({ url: REDIS_URL, cluster: false, role: 'producer' }) as Redis;
  await redis.connect();
  const queues = new Queues(redis, prefix);
  const silent = pino({ level: 'silent' });
  const probot = new Probot({
    appId: 1,
    privateKey: 'unused: handlers never call GitHub',
    secret: SECRET,
    log: silent,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  await probot.load(convergeApp({ queues, env: readEnv({ CONVERGE_CONFIG_REPO: CONFIG_REPO }) }));
  const middleware = await probot.getNodeMiddleware({ log: silent });
  const server = createServer((req, res) => {
    void Promise.resolve(middleware(req, res)).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;

  const payloads = {
    pull_request: (i: number) =>
      example('pull_request', 'opened', (p) => {
        atRepo(p, ORG, CONFIG_REPO);
        p.number = 1000 + i;
        p.pull_request.number = 1000 + i;
        p.pull_request.head.sha = sha(`pr-${i}`);
      }),
    push: (i: number) =>
      example('push', undefined, (p) => {
        // A distinct org per delivery: pushes to one config repo collapse into one job by design.
        atRepo(p, `${ORG}-${i}`, CONFIG_REPO);
        p.ref = `refs/heads/${p.repository.default_branch}`;
        p.after = sha(`push-${i}`);
      }),
  };

  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    for (const event of ['pull_request', 'push'] as const) {
      const total = WARM_UP + size.webhookDeliveries;
      // Bodies and signatures are made up front: the sender's HMAC is not the server's time.
      const requests = Array.from({ length: total }, (_, i) => {
        const body = JSON.stringify(payloads[event](i));
        return { body, headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(SECRET, body) } };
      });
      const latencies: number[] = [];
      for (const [i, request] of requests.entries()) {
        const started = performance.now();
        const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
        await response.arrayBuffer();
        const ms = performance.now() - started;
        if (response.status < 200 || response.status >= 300) throw new Error(`${event} delivery ${i} answered ${response.status}`);
        if (i >= WARM_UP) latencies.push(ms);
      }
      const queue = event === 'push' ? queues.converge : queues.plan;
      const queued = await queue.getJobCountByTypes('waiting', 'delayed', 'active');
      if (queued !== total) notes.push(`${event}: ${total} deliveries left ${queued} jobs in the queue (expected one each).`);
      latencies.sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      rows.push({
        id: `webhook.${event}.p99`,
        section: '4. Webhook handling',
        measure: `${event} webhook → 2xx, enqueued in Redis (${latencies.length} sequential deliveries)`,
        value: Number(p99.toFixed(2)),
        unit: 'ms',
        display: `p50 ${fmt.ms(p50)} · p99 ${fmt.ms(p99)} · max ${fmt.ms(latencies.at(-1)!)}`,
        target: 'p99 < 50 ms',
        status: check(p99, '<', 50),
      });
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await queues.close();
    redis.disconnect();
    await deleteKeys(prefix);
  }
  return { rows, notes };
});
