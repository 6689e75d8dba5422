import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { Probot, ProbotOctokit } from 'probot';
import pino from 'pino';
import { convergeApp, type AppOptions, type DeliveryOutcome } from '../../src/app/index.js';
import { readEnv } from '../../src/env/app-env.js';
import { createRedis } from '../../src/queue/connection.js';
import { Queues } from '../../src/queue/queues.js';
import { deleteKeys, REDIS_URL, testPrefix } from './redis.js';
import { sign } from './webhooks.js';

export const WEBHOOK_SECRET = 'test-secret';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

/** The webhook handlers behind Probot's own middleware on a loopback port, with real queues in Redis under a prefix of their own. */
export interface AppServer {
  prefix: string;
  redis: Redis;
  queues: Queues;
  url: string;
  /** Every delivery's outcome, in order. */
  outcomes: DeliveryOutcome[];
  /** A signed delivery (`signature: null` sends none; a string sends that one). */
  deliver(name: string, payload: object, options?: { id?: string; signature?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

export async function startAppServer(options: { env: Record<string, string>; app?: Partial<Omit<AppOptions, 'queues' | 'env'>> }): Promise<AppServer> {
  const prefix = testPrefix();
  const redis = createRedis({ url: REDIS_URL, cluster: false, role: 'producer' }) as Redis;
  await redis.connect();
  const queues = new Queues(redis, prefix);
  const outcomes: DeliveryOutcome[] = [];
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: WEBHOOK_SECRET,
    log: pino({ level: 'silent' }),
    // A function, so that Probot's own throttle options (one write a second) cannot turn it back on.
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { ...(o.throttle as object | undefined), enabled: false } })),
  });
  await probot.load(
    convergeApp({
      ...options.app,
      queues,
      env: readEnv(options.env),
      onOutcome: (id, event, outcome) => {
        outcomes.push(outcome);
        options.app?.onOutcome?.(id, event, outcome);
      },
    }),
  );
  const middleware = await probot.getNodeMiddleware({ log: pino({ level: 'silent' }) });
  const server = createServer((req, res) => {
    void Promise.resolve(middleware(req, res)).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return {
    prefix,
    redis,
    queues,
    url,
    outcomes,
    deliver: (name, payload, deliveryOptions = {}) => {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': deliveryOptions.id ?? randomUUID() };
      if (deliveryOptions.signature !== null) headers['x-hub-signature-256'] = deliveryOptions.signature ?? sign(WEBHOOK_SECRET, body);
      return fetch(url, { method: 'POST', headers, body });
    },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await queues.close();
      redis.disconnect();
      await deleteKeys(prefix);
    },
  };
}
