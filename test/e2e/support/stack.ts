/**
 * One deployment for an end-to-end test: the fake GitHub over HTTP, a private Redis, the
 * app's credentials (a real RSA key the fake verifies JWTs with) and the ports of its processes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { serveFakeGitHub, type ServedFakeGitHub } from '../../support/fake-github/serve.js';
import type { FakeGitHub } from '../../support/fake-github/index.js';
import { freePort, npmRun, type ShippedProcess } from './processes.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

export const CONFIG_REPO = 'converge-config';
export const SECRET = 'e2e-webhook-secret';

export interface Stack {
  fake: FakeGitHub;
  redis: PrivateRedis;
  /** Probot's standard environment plus Converge's own, as a user would set it. */
  env: Record<string, string>;
  privateKey: string;
  processes: ShippedProcess[];
  /** Starts `npm start`, `npm run start:web`, `npm run start:worker` (given its own ops port) or `npm run full-run`. */
  start(script: 'start' | 'start:web' | 'start:worker' | 'full-run' | 'onboard', options?: { args?: string[]; env?: Record<string, string>; name?: string }): Promise<ShippedProcess>;
  webhookUrl(port: number): string;
  /** `npm start`, once its web server listens and its workers run, with its webhook URL. */
  startApp(): Promise<{ app: ShippedProcess; url: string }>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const served: ServedFakeGitHub = await serveFakeGitHub({ appPublicKey: publicKey });
  const redis = await startPrivateRedis();
  const env: Record<string, string> = {
    APP_ID: String(served.fake.options.appId ?? 1),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    ...served.env,
    REDIS_URL: redis.url,
    HOST: '127.0.0.1',
    CONVERGE_CONFIG_REPO: CONFIG_REPO,
    CONVERGE_WRITE_SPACING_MS: '0',
    CONVERGE_JOB_LOCK_MS: '3000',
  };
  const processes: ShippedProcess[] = [];
  const stack: Stack = {
    fake: served.fake,
    redis,
    env,
    privateKey,
    processes,
    async start(script, options = {}) {
      const ports = { web: await freePort(), ops: await freePort() };
      const child = npmRun(options.name ?? script, script, options.args ?? [], { ...env, PORT: String(ports.web), CONVERGE_WORKER_OPS_PORT: String(ports.ops), ...options.env }, ports);
      processes.push(child);
      return child;
    },
    webhookUrl: (port) => `http://127.0.0.1:${port}/api/github/webhooks`,
    async startApp() {
      const app = await stack.start('start');
      await app.waitForLog((l) => l.msg === 'web server listening', 'web server listening');
      await app.waitForLog((l) => l.msg === 'workers started', 'workers started');
      return { app, url: stack.webhookUrl(app.ports.web) };
    },
    async close() {
      await Promise.all(processes.map((p) => p.stop(5000)));
      await redis.close();
      await served.close();
    },
  };
  return stack;
}
