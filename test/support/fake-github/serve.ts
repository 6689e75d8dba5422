/**
 * The fake served over real HTTP on loopback, for the shipped processes: a child process
 * cannot be intercepted with nock, so it talks to this server the way it talks to GitHub
 * Enterprise Server (`GHE_HOST=127.0.0.1:<port>`, `GHE_PROTOCOL=http`). Every request is still
 * checked against GitHub's descriptions and logged by the same transport.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGitHub } from './fake-github.js';
import type { FakeGitHubOptions } from './world.js';

export interface ServedFakeGitHub {
  fake: FakeGitHub;
  /** `127.0.0.1:<port>`, for GHE_HOST. */
  host: string;
  /** Probot's environment for reaching the fake (GHE_HOST, GHE_PROTOCOL). */
  env: Record<string, string>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function serveFakeGitHub(options: Omit<FakeGitHubOptions, 'baseUrl'> = {}): Promise<ServedFakeGitHub> {
  let fake: FakeGitHub | undefined;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const requestHeaders = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      const response = await fake!.receive({ origin: origin(), method: req.method ?? 'GET', url: req.url ?? '/', body, headers: requestHeaders });
      const headers = { ...(response.headers ?? {}) };
      let payload: string | Buffer | undefined;
      if (response.body === undefined || Buffer.isBuffer(response.body) || typeof response.body === 'string') payload = response.body;
      else {
        // nock labels object bodies as JSON by itself; a real server must say so.
        payload = JSON.stringify(response.body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
      res.writeHead(response.status, headers);
      res.end(payload);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake GitHub crashed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const origin = () => `http://${host}`;
  fake = new FakeGitHub({ ...options, baseUrl: `http://${host}/api/v3` });
  // Only real HTTP reaches it: no nock interceptors in the test process.
  fake.stop();
  return {
    fake,
    host,
    env: { GHE_HOST: host, GHE_PROTOCOL: 'http' },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
