/**
 * Webhook deliveries GitHub could not make (the web process was down, or answered 5xx) are
 * kept by GitHub for 3 days and never retried by it. On start the web process asks GitHub to
 * redeliver them, so the events missed meanwhile still arrive, in the order they happened.
 */
import type { Logger } from 'pino';
import type { GitHubClient } from './client.js';
import { statusOf } from './errors.js';

/** How long GitHub keeps an app's webhook deliveries. */
export const DELIVERY_RETENTION_MS = 72 * 3600_000;

/**
 * Redeliveries one start asks for at most. GitHub counts each as a write against the app's
 * secondary limits; what is left is asked for at the next start (see `newest`).
 */
export const MAX_REDELIVERIES_ON_START = 500;

export interface RedeliverOptions {
  /** Deliveries made before this are not looked at. */
  since: Date;
  /** Redeliveries to ask for at most, the oldest first. */
  max: number;
  log: Logger;
}

export interface RedeliverResult {
  /** Delivery attempts listed since `since`. */
  examined: number;
  /** Events (guids) none of whose attempts was answered 2xx, the last one unanswered or 5xx. */
  failed: number;
  /** Of those, redeliveries GitHub accepted. */
  redelivered: number;
  /**
   * Where the next pass may start: the newest `delivered_at` examined, or, when `max` left
   * failed events for later, the newest attempt of the oldest of them. Undefined: none listed.
   */
  newest: Date | undefined;
}

/** One event as its listed attempts tell it. */
interface EventAttempts {
  guid: string;
  ok: boolean;
  /** Earliest attempt listed: the event's place in the replay order. */
  first: Date;
  /** The attempt to redeliver: the newest. */
  latest: { id: number; at: Date; event: string; action: string | null; statusCode: number };
}

const succeeded = (statusCode: number) => statusCode >= 200 && statusCode < 300;
/**
 * Worth delivering again: GitHub got no answer (0: the app was down) or a 5xx. A 4xx is the
 * app's own verdict on that payload (a bad signature, a payload it cannot use): sent again it
 * would be refused again, and every start would ask once more.
 */
const missed = (statusCode: number) => statusCode === 0 || statusCode >= 500;

/**
 * Lists the app webhook's deliveries (newest first, 100 a page) back to `since`, and asks GitHub
 * to redeliver, oldest event first, each event no attempt of which was answered 2xx and whose
 * last attempt got no answer or a 5xx. A
 * redelivery GitHub refuses for that delivery alone (404 gone, 422 too old) is logged and
 * skipped; any other failure is thrown, with the redeliveries made so far already made.
 */
export async function redeliverFailed(app: GitHubClient, options: RedeliverOptions): Promise<RedeliverResult> {
  const events = new Map<string, EventAttempts>();
  let examined = 0;
  let newest: Date | undefined;
  pages: for await (const { data } of app.paginate.iterator(app.rest.apps.listWebhookDeliveries, { per_page: 100 })) {
    for (const delivery of data) {
      const at = new Date(delivery.delivered_at);
      if (at < options.since) break pages;
      examined++;
      if (!newest || at > newest) newest = at;
      const known = events.get(delivery.guid);
      if (!known) {
        events.set(delivery.guid, {
          guid: delivery.guid,
          ok: succeeded(delivery.status_code),
          first: at,
          latest: { id: delivery.id, at, event: delivery.event, action: delivery.action, statusCode: delivery.status_code },
        });
        continue;
      }
      known.ok ||= succeeded(delivery.status_code);
      if (at < known.first) known.first = at;
      if (at > known.latest.at) known.latest = { id: delivery.id, at, event: delivery.event, action: delivery.action, statusCode: delivery.status_code };
    }
  }

  const failed = [...events.values()].filter((e) => !e.ok && missed(e.latest.statusCode)).sort((a, b) => a.first.getTime() - b.first.getTime());
  const now = failed.slice(0, options.max);
  const later = failed.slice(options.max);
  let redelivered = 0;
  for (const event of now) {
    const { id, event: name, action } = event.latest;
    try {
      await app.rest.apps.redeliverWebhookDelivery({ delivery_id: id });
      redelivered++;
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 422) throw error;
      options.log.warn({ delivery: event.guid, deliveryId: id, event: name, action, status }, 'GitHub refused to redeliver a webhook delivery; skipped');
    }
  }
  // Left for later: the next pass starts no later than the oldest of them, so it sees them again.
  const resume = later.reduce<Date | undefined>((min, e) => (!min || e.latest.at < min ? e.latest.at : min), undefined);
  return { examined, failed: failed.length, redelivered, newest: resume ?? newest };
}

/** Where the last pass got to; implemented in Redis by the queue (delivery-checkpoint.ts). */
export interface DeliveryCheckpointStore {
  read(): Promise<Date | undefined>;
  write(at: Date): Promise<void>;
  /**
   * Claims the pass for at most `ttlMs`, and answers how to release it; undefined when another
   * process holds it (web replicas starting together).
   */
  claim?(ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

/** How long one start's pass is held against other web processes' passes. */
const PASS_CLAIM_MS = 10 * 60_000;

/** The pass starts at the checkpoint, but never before what GitHub still keeps. */
export function redeliverySince(checkpoint: Date | undefined, now: Date = new Date()): Date {
  const oldest = new Date(now.getTime() - DELIVERY_RETENTION_MS);
  return checkpoint && checkpoint > oldest ? checkpoint : oldest;
}

/** One pass from the checkpoint, which then moves to where the pass got to; logs the counts. */
export async function redeliverSinceCheckpoint(
  app: GitHubClient,
  checkpoint: DeliveryCheckpointStore,
  options: { max?: number; log: Logger; now?: Date },
): Promise<RedeliverResult> {
  const release = checkpoint.claim ? await checkpoint.claim(PASS_CLAIM_MS) : async () => {};
  if (!release) {
    options.log.info('another web process is redelivering failed webhook deliveries');
    return { examined: 0, failed: 0, redelivered: 0, newest: undefined };
  }
  try {
    const since = redeliverySince(await checkpoint.read(), options.now);
    const result = await redeliverFailed(app, { since, max: options.max ?? MAX_REDELIVERIES_ON_START, log: options.log });
    if (result.newest) await checkpoint.write(result.newest);
    options.log.info(
      { since: since.toISOString(), examined: result.examined, failed: result.failed, redelivered: result.redelivered, newest: result.newest?.toISOString() },
      'failed webhook deliveries redelivered',
    );
    return result;
  } finally {
    await release();
  }
}
