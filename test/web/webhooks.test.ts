import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Probot } from 'probot';
import { InvalidPayloadError } from '../../src/app/payload.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { FakeGitHub } from '../support/fake-github/index.js';
import { probotFor, silent } from '../support/harness.js';
import { sign } from '../support/webhooks.js';

const SECRET = 'intake-secret';

describe('webhook intake', () => {
  let server: WebServer | undefined;
  const received: string[] = [];
  const rejected: string[] = [];

  afterEach(async () => {
    await server?.close();
    server = undefined;
    received.length = 0;
    rejected.length = 0;
  });

  async function start(maxBytes?: number) {
    const fake = new FakeGitHub();
    const probot: Probot = probotFor(fake);
    fake.stop();
    await probot.load((app) => {
      app.on('issues', async (context) => {
        received.push(context.id);
        if (!(context.payload as { issue?: unknown }).issue) throw new InvalidPayloadError('issues', 'issue is missing');
      });
      app.on('label', async () => {
        throw new Error('Redis is down');
      });
    });
    server = await startWebServer({
      probot,
      secret: SECRET,
      port: 0,
      host: '127.0.0.1',
      webhookPath: '/api/github/webhooks',
      log: silent,
      onRejected: (event, reason) => rejected.push(`${event}: ${reason}`),
      ...(maxBytes ? { maxBytes } : {}),
    });
    return `http://127.0.0.1:${server.port}/api/github/webhooks`;
  }

  const post = (url: string, event: string, body: string, signature: string | undefined = sign(SECRET, body)) =>
    fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': 'd-1', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    });

  it('hands a signed delivery to the handlers and answers 200', async () => {
    const url = await start();
    const response = await post(url, 'issues', JSON.stringify({ action: 'opened', issue: { number: 1 } }));
    expect(response.status).toBe(200);
    expect(received).toEqual(['d-1']);
  });

  it('takes deliveries at the root too, where Probot registers the webhook URL without a proxy', async () => {
    const url = (await start()).replace('/api/github/webhooks', '/');
    expect((await post(url, 'issues', JSON.stringify({ action: 'opened', issue: { number: 1 } }))).status).toBe(200);
    expect(received).toEqual(['d-1']);
    expect((await fetch(url)).status).toBe(404);
  });

  it('answers 401 to an unsigned or wrongly signed delivery, before any handler runs', async () => {
    const url = await start();
    const body = JSON.stringify({ action: 'opened', issue: { number: 1 } });
    expect((await post(url, 'issues', body, '')).status).toBe(401);
    expect((await post(url, 'issues', body, sign('other', body))).status).toBe(401);
    expect(received).toEqual([]);
    expect(rejected).toEqual(['issues: missing X-Hub-Signature-256 header', 'issues: signature does not match']);
  });

  it('answers 400 with a short reason, and no stack trace, to a signed payload its handler cannot use', async () => {
    const url = await start();
    const response = await post(url, 'issues', JSON.stringify({ action: 'opened' }));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'invalid issues payload: issue is missing' });
    expect(text).not.toMatch(/at .*\.ts|TypeError/);
    expect((await post(url, 'issues', '{not json')).status).toBe(400);
  });

  it('answers 500 without the error text when a handler cannot enqueue, so GitHub records a redeliverable failure', async () => {
    const url = await start();
    const response = await post(url, 'label', JSON.stringify({ action: 'created' }));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('Redis is down');
  });

  it('refuses a body over the cap with 413 from its Content-Length, before reading it', async () => {
    const url = await start(1024);
    const body = JSON.stringify({ action: 'opened', issue: { number: 1 }, padding: 'x'.repeat(4096) });
    const response = await post(url, 'issues', body);
    expect(response.status).toBe(413);
    expect(received).toEqual([]);
  });

  it('refuses a chunked body over the cap with 413 once it passes the cap', async () => {
    const url = new URL(await start(1024));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'x-github-event': 'issues', 'x-github-delivery': 'd-2', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('x'.repeat(512));
      req.end();
    });
    expect(status).toBe(413);
    expect(received).toEqual([]);
  });
});
