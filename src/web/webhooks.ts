/**
 * Webhook intake: bounded read, signature check, then hand the event to the app's handlers.
 * Nothing is parsed, logged in detail or enqueued before the signature is verified, and a
 * body over GitHub's 25 MB payload cap is refused before it is buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import type { Logger } from 'pino';
import type { Probot } from 'probot';
import { InvalidPayloadError } from '../app/payload.js';

/** GitHub caps webhook payloads at 25 MB; it never sends more. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export type DeliveryVerdict = 'rejected' | 'accepted' | 'failed';

export interface WebhookIntakeOptions {
  probot: Probot;
  secret: string;
  log: Logger;
  maxBytes?: number;
  /** Called once per delivery that was refused before any handler ran. */
  onRejected?(event: string, reason: string): void;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Every handler error of a delivery, flattened (@octokit/webhooks wraps them in an AggregateError). */
function handlerErrors(error: unknown): unknown[] {
  const nested = (error as { errors?: unknown[] } | undefined)?.errors;
  return Array.isArray(nested) ? nested.flatMap(handlerErrors) : [error];
}

/**
 * Answers one POST to the webhook path:
 * 413 too large · 400 missing headers, unreadable JSON or a payload its handler cannot use ·
 * 401 bad or missing signature · 500 when the event could not be enqueued (GitHub shows the
 * failed delivery, and it can be redelivered) · 200 otherwise.
 */
export async function handleWebhook(req: IncomingMessage, res: ServerResponse, options: WebhookIntakeOptions): Promise<void> {
  const maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  const event = header(req, 'x-github-event') ?? '';
  const reject = (status: number, reason: string) => {
    options.onRejected?.(event || 'unknown', reason);
    options.log.warn({ event: event || undefined, delivery: header(req, 'x-github-delivery'), status, reason }, 'webhook rejected');
    answer(res, status, { error: reason });
  };

  const declared = Number(header(req, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    reject(413, `payload larger than ${maxBytes} bytes`);
    req.resume();
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge) return reject(413, `payload larger than ${maxBytes} bytes`);
    return reject(400, 'the request body could not be read');
  }

  const id = header(req, 'x-github-delivery');
  const signature = header(req, 'x-hub-signature-256');
  if (!event || !id) return reject(400, 'missing X-GitHub-Event or X-GitHub-Delivery header');
  if (!signature) return reject(401, 'missing X-Hub-Signature-256 header');
  const text = body.toString('utf8');
  let valid = false;
  try {
    valid = await verify(options.secret, text, signature);
  } catch {
    valid = false;
  }
  if (!valid) return reject(401, 'signature does not match');

  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return reject(400, 'the payload is not valid JSON');
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return reject(400, 'the payload is not a JSON object');

  try {
    await options.probot.receive({ id, name: event, payload } as Parameters<Probot['receive']>[0]);
  } catch (error) {
    const errors = handlerErrors(error);
    const invalid = errors.find((e): e is InvalidPayloadError => e instanceof InvalidPayloadError);
    if (invalid) return reject(400, invalid.message);
    options.log.error({ event, delivery: id, err: errors[0] }, 'webhook could not be enqueued');
    answer(res, 500, { error: 'the event could not be enqueued; redeliver it from the app settings' });
    return;
  }
  answer(res, 200, { ok: true });
}
