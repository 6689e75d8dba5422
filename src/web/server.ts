/**
 * The web process's HTTP server: the webhook path, plus whatever request handlers the caller
 * adds (health, readiness, metrics). Anything else is a 404; no error text or stack trace is
 * ever written to a response.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { handleWebhook, type WebhookIntakeOptions } from './webhooks.js';

/** Answers a request and returns true, or returns false to let the next handler try. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface WebServerOptions extends WebhookIntakeOptions {
  port: number;
  host: string;
  webhookPath: string;
  handlers?: RequestHandler[];
  log: Logger;
}

export interface WebServer {
  port: number;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const server: Server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      options.log.error({ err: error, path: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    // Probot's registration flow registers the root URL as the app's webhook URL when no
    // WEBHOOK_PROXY_URL is set, so a POST to `/` is a delivery too.
    if (path === options.webhookPath || (path === '/' && req.method === 'POST')) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('POST webhooks here');
        return;
      }
      await handleWebhook(req, res, options);
      return;
    }
    for (const handler of options.handlers ?? []) if (await handler(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`PORT ${options.port} is already in use: set PORT to a free port`) : error),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.log.info({ port, host: options.host, webhookPath: options.webhookPath }, 'web server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
