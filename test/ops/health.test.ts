import { request } from 'node:http';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpsServer, redisReady, type OpsServer } from '../../src/ops/health.js';
import { jobsTotal } from '../../src/ops/metrics.js';
import { createRedis } from '../../src/queue/connection.js';
import { REDIS_URL } from '../support/redis.js';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('worker ops endpoints', () => {
  const servers: OpsServer[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    for (const client of clients.splice(0)) client.disconnect();
  });

  async function serve(redis: Redis) {
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', ready: async () => ({ redis: await redisReady(redis) }) });
    servers.push(server);
    return server;
  }

  it('answers liveness, readiness with Redis up, and metrics over HTTP on a free port', async () => {
    const redis = createRedis({ url: REDIS_URL, cluster: false, role: 'worker' }) as Redis;
    clients.push(redis);
    await redis.connect();
    const { port } = await serve(redis);
    expect(port).toBeGreaterThan(0);

    expect(await get(port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    const ready = await get(port, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true });

    jobsTotal.inc({ type: 'plan', outcome: 'completed' });
    const metrics = await get(port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain; version=0.0.4');
    expect(metrics.body).toContain('converge_jobs_total{type="plan",outcome="completed"} 1');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');

    expect((await get(port, '/webhooks')).status).toBe(404);
    expect((await get(port, '/healthz', 'POST')).status).toBe(405);
    expect(await get(port, '/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('is not ready while Redis cannot be reached, and says so', async () => {
    const redis = createRedis({ url: 'redis://127.0.0.1:1', cluster: false, role: 'worker' }) as Redis;
    clients.push(redis);
    redis.on('error', () => undefined);
    void redis.connect().catch(() => undefined);
    const { port } = await serve(redis);

    const ready = await get(port, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ ready: false, failing: ['redis'] });
    // Liveness does not depend on Redis: a Redis outage must not get the process restarted.
    expect((await get(port, '/healthz')).status).toBe(200);
  });

  it('names the variable when the port is taken', async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    clients.push(redis);
    const first = await serve(redis);
    await expect(startOpsServer({ port: first.port, host: '127.0.0.1', ready: async () => true })).rejects.toThrow(/CONVERGE_WORKER_OPS_PORT/);
  });
});
