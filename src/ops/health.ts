import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ConfigurationError } from '../core/errors.js';
import type { RedisConnection } from '../queue/connection.js';
import { metricsContentType, metricsText } from './metrics.js';

/**
 * What readiness depends on: `true`/`false`, or one boolean per dependency
 * (`{ redis: true }`) so a 503 names what is not ready.
 */
export type Readiness = boolean | Record<string, boolean>;

export interface OpsOptions {
  ready: () => Promise<Readiness>;
  /** A readiness check that does not answer within this is "not ready" (probes have short timeouts). */
  readyTimeoutMs?: number;
}

/** Answers GET/HEAD of these paths; anything else is left to the caller. */
export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function readiness(options: OpsOptions): Promise<{ ready: boolean; failing: string[] }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const state = await Promise.race([
      options.ready(),
      new Promise<Readiness>((resolve) => {
        timer = setTimeout(() => resolve(false), options.readyTimeoutMs ?? 3000);
      }),
    ]);
    if (typeof state === 'boolean') return { ready: state, failing: state ? [] : ['ready'] };
    const failing = Object.entries(state)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    return { ready: failing.length === 0, failing };
  } catch {
    return { ready: false, failing: ['ready'] };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness, readiness and metrics for any node:http server. Returns true when it answered
 * the request, false when the path is not one of its own (so the caller routes it on).
 * - `/healthz`: 200 while the event loop runs; it checks nothing else on purpose, so a Redis
 *   outage never gets a healthy process restarted.
 * - `/readyz`: 200 when `ready()` says so, otherwise 503 naming what is not ready.
 * - `/metrics`: Prometheus text exposition.
 */
export function createOpsHandler(options: OpsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!(OPS_PATHS as readonly string[]).includes(path ?? '')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
      return true;
    }
    if (path === '/healthz') {
      send(req, res, 200, 'text/plain; charset=utf-8', 'ok\n');
    } else if (path === '/readyz') {
      void readiness(options).then(({ ready, failing }) =>
        send(req, res, ready ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(ready ? { ready } : { ready, failing })}\n`),
      );
    } else {
      metricsText().then(
        (text) => send(req, res, 200, metricsContentType, text),
        (error: unknown) => send(req, res, 500, 'text/plain; charset=utf-8', `metrics could not be collected: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    }
    return true;
  };
}

/**
 * Redis answers a PING within `timeoutMs`. A connection that is not up answers false at
 * once: a worker connection queues commands while reconnecting, and probes must not pile up.
 */
export async function redisReady(redis: RedisConnection, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      redis.ping().then((answer) => answer === 'PONG'),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface OpsServer {
  /** The port actually listened on (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * A small HTTP server with only the ops routes, for processes that serve no webhooks
 * (workers). Everything else is 404. Fails with a ConfigurationError naming the address
 * when it cannot listen (port taken, bad host).
 */
export async function startOpsServer(options: OpsOptions & { port: number; host?: string; log?: Logger; variable?: string }): Promise<OpsServer> {
  const handle = createOpsHandler(options);
  const server = createServer((req, res) => {
    if (!handle(req, res)) send(req, res, 404, 'text/plain; charset=utf-8', 'not found\n');
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      const variable = options.variable ?? 'CONVERGE_WORKER_OPS_PORT';
      reject(new ConfigurationError(`Cannot serve health and metrics on ${host}:${options.port}: ${error.message}. Set ${variable} to a free port (0 picks one).`, { cause: error }));
    };
    server.once('error', fail);
    server.listen(options.port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.log?.info({ host, port, paths: OPS_PATHS }, 'ops endpoints listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Probes and scrapers keep connections alive; do not wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
