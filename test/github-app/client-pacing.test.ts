/**
 * The shipped client (createAppProbot → probot.auth(installation)) against a real HTTP server
 * on loopback that holds every answer until a whole batch is in flight: a client that
 * serialised requests would never fill the batch, so the server's peak concurrency shows what
 * the throttling plugin let through. No assertion depends on time.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAppProbot, isRead, readProbotSettings } from '../../src/github-app/probot.js';
import { paceKey, restWrite } from '../../src/providers/github/pacer.js';
import { RedisWritePacer } from '../../src/providers/github/redis-pacer.js';
import { rateLimitWaitMs } from '../../src/providers/github/shared/errors.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(() => redis.quit());

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** A loopback GitHub: answers token requests at once, everything else through `answer` once `batch` requests are in flight. */
class BatchingServer {
  readonly seen: string[] = [];
  inFlight = 0;
  peak = 0;
  private held: (() => void)[] = [];
  private server!: Server;
  private port = 0;

  constructor(
    private readonly batch: number,
    private readonly answer: (method: string, path: string, n: number) => Answer = () => ({ status: 200, body: {} }),
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async client() {
    const settings = readProbotSettings({ APP_ID: '1', PRIVATE_KEY: privateKey, GHE_HOST: `127.0.0.1:${this.port}`, GHE_PROTOCOL: 'http' });
    const probot = createAppProbot({ ...settings, appId: 1, privateKey }, pino({ level: 'silent' }));
    return probot.auth(1);
  }

  close(): Promise<void> {
    for (const release of this.held.splice(0)) release();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req);
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (method === 'POST' && /\/app\/installations\/1\/access_tokens$/.test(path)) {
      return send(res, { status: 201, body: { token: 'ghs_test', expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: 'all' } });
    }
    this.seen.push(`${method} ${path}`);
    const n = this.seen.length;
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    // Wait for the batch (or give up after 5 s so a serialising client fails instead of hanging).
    await new Promise<void>((resolve) => {
      this.held.push(resolve);
      if (this.held.length >= this.batch) for (const release of this.held.splice(0)) release();
      else setTimeout(resolve, 5_000).unref();
    });
    this.inFlight--;
    send(res, this.answer(method, path, n));
  }
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

let server: BatchingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the shipped client: reads are never paced like writes', () => {
  it('tells reads from writes the way GitHub counts them', () => {
    expect(isRead({ method: 'GET', url: '/repos/{owner}/{repo}' })).toBe(true);
    expect(isRead({ method: 'POST', url: '/graphql', query: 'query { viewer { login } }' })).toBe(true);
    expect(isRead({ method: 'POST', url: '/graphql', query: '  mutation { updateRepository(input: {}) { clientMutationId } }' })).toBe(false);
    expect(isRead({ method: 'PATCH', url: '/repos/{owner}/{repo}' })).toBe(false);
  });

  it('sends 20 GraphQL queries at once, not one a second through the write queue', async () => {
    server = await new BatchingServer(20, () => ({ status: 200, body: { data: { viewer: { login: 'converge[bot]' } } } })).start();
    const client = await server.client();
    const results = await Promise.all(Array.from({ length: 20 }, () => client.graphql<{ viewer: { login: string } }>('query { viewer { login } }')));
    expect(results.every((r) => r.viewer.login === 'converge[bot]')).toBe(true);
    expect(server.seen.filter((s) => s.endsWith('/graphql'))).toHaveLength(20);
    expect(server.peak).toBe(20);
  });

  it('sends 30 GETs at once, above the plugin’s default cap of 10', async () => {
    server = await new BatchingServer(30, () => ({ status: 200, body: { name: 'r' } })).start();
    const client = await server.client();
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: `r${i}` })));
    expect(server.peak).toBe(30);
  });

  it('leaves REST writes to the Converge pacer: 10 PATCHes are not queued a second apart', async () => {
    server = await new BatchingServer(10, () => ({ status: 200, body: { name: 'bug', color: 'b60205' } })).start();
    const client = await server.client();
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.request('PATCH /repos/{owner}/{repo}/labels/{name}', { owner: 'acme', repo: `r${i}`, name: 'bug', color: 'b60205' })));
    expect(server.seen.filter((s) => s.startsWith('PATCH '))).toHaveLength(10);
    expect(server.peak).toBe(10);
  });
});

describe('the shipped client: GitHub asking to wait', () => {
  it('retries a read after x-ratelimit-reset', async () => {
    server = await new BatchingServer(1, (_method, _path, n) =>
      n === 1
        ? { status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) } }
        : { status: 200, body: { name: 'r' } },
    ).start();
    const client = await server.client();
    const { data } = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'r' });
    expect(data).toMatchObject({ name: 'r' });
    expect(server.seen).toEqual(['GET /api/v3/repos/acme/r', 'GET /api/v3/repos/acme/r']);
  });

  it('retries a GraphQL query after retry-after (secondary limit)', async () => {
    server = await new BatchingServer(1, (_method, _path, n) =>
      n === 1
        ? { status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '1' } }
        : { status: 200, body: { data: { viewer: { login: 'converge[bot]' } } } },
    ).start();
    const client = await server.client();
    const result = await client.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    expect(result.viewer.login).toBe('converge[bot]');
    expect(server.seen).toHaveLength(2);
  });

  it('fails a write on retry-after instead of retrying it, so the pacer pauses every process sharing Redis', async () => {
    server = await new BatchingServer(1, () => ({ status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '30' } })).start();
    const client = await server.client();
    const key = paceKey(`test-${randomUUID()}`);
    const route = 'PATCH /repos/{owner}/{repo}/labels/{name}';
    // Process one: the write that GitHub turns away, paced and reported as the provider does.
    const one = new RedisWritePacer(redis, { sleep: async () => undefined });
    await one.acquire(key, 0, restWrite(route));
    const error = await client.request(route, { owner: 'acme', repo: 'r', name: 'bug', color: 'b60205' }).catch((e: unknown) => e);
    const waitMs = rateLimitWaitMs(error);
    expect(waitMs).toBe(30_000);
    await one.pause(key, waitMs!);
    expect(server.seen).toEqual(['PATCH /api/v3/repos/acme/r/labels/bug']);
    // Process two, its own connection: any write, to any endpoint, waits out GitHub's 30 s.
    const other = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const waits: number[] = [];
      const two = new RedisWritePacer(other, { sleep: async (ms) => void waits.push(ms) });
      await two.acquire(key, 0, restWrite('PATCH /repos/{owner}/{repo}'));
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThan(25_000);
      expect(waits[0]).toBeLessThanOrEqual(30_000);
    } finally {
      other.disconnect();
      await redis.del(key, `${key}:endpoint:${route}`, `${key}:endpoint:PATCH /repos/{owner}/{repo}`);
    }
  });
});
