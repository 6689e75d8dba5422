import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DELIVERY_RETENTION_MS, redeliverFailed, redeliverSinceCheckpoint, redeliverySince, type DeliveryCheckpointStore } from '../../src/github-app/redeliver.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { probotFor } from '../support/harness.js';

const fake = installFakeGitHub();

/** A logger whose lines the test reads back. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

const NOW = Date.now();
/** `seconds` before the test started, as GitHub stamps deliveries (whole seconds). */
const ago = (seconds: number) => new Date(Math.floor(NOW / 1000) * 1000 - seconds * 1000);
const HOUR_AGO = ago(3600);
const redeliveredIds = () => fake.redeliveries().map((r) => r.redeliveryOf);
const listRequests = () => fake.count({ route: 'GET /app/hook/deliveries' });

describe('redelivering the webhook deliveries GitHub could not make', () => {
  it('pages past 100 and redelivers every failed one, oldest first', async () => {
    const failed: number[] = [];
    // 250 deliveries over the last 250 seconds; every 40th failed (503 while the web process restarted).
    for (let i = 250; i >= 1; i--) {
      const record = fake.addDelivery({ delivered_at: ago(i), event: 'label', action: 'edited', status_code: i % 40 === 0 ? 503 : 200 });
      if (record.status_code === 503) failed.push(record.id);
    }
    const { log } = capture();
    const result = await redeliverFailed(await probotFor(fake).auth(), { since: HOUR_AGO, max: 100, log });
    expect(result).toEqual({ examined: 250, failed: 6, redelivered: 6, newest: ago(1) });
    expect(listRequests()).toBe(3);
    expect(fake.filter({ route: 'GET /app/hook/deliveries' }).map((r) => r.query.per_page)).toEqual(['100', '100', '100']);
    expect(redeliveredIds()).toEqual(failed);
  });

  it('groups attempts by guid: an event answered 2xx once is fine; otherwise its newest attempt is redelivered', async () => {
    const healed = fake.addDelivery({ delivered_at: ago(300), status_code: 502, event: 'repository', action: 'edited' });
    fake.addDelivery({ delivered_at: ago(200), guid: healed.guid, status_code: 200, redelivery: true, event: 'repository', action: 'edited' });
    const twice = fake.addDelivery({ delivered_at: ago(250), status_code: 0, event: 'member', action: 'added' });
    const again = fake.addDelivery({ delivered_at: ago(150), guid: twice.guid, status_code: 500, redelivery: true, event: 'member', action: 'added' });
    fake.addDelivery({ delivered_at: ago(100), status_code: 200 });
    // The app refused this one itself (a payload it cannot use): sent again, it would be refused again.
    fake.addDelivery({ delivered_at: ago(90), status_code: 400, event: 'label', action: 'edited' });
    const result = await redeliverFailed(await probotFor(fake).auth(), { since: HOUR_AGO, max: 100, log: capture().log });
    expect(result).toMatchObject({ examined: 6, failed: 1, redelivered: 1 });
    expect(redeliveredIds()).toEqual([again.id]);
  });

  it('looks no further back than `since`, and stops listing there', async () => {
    const old = fake.addDelivery({ delivered_at: ago(7200), status_code: 503 });
    for (let i = 0; i < 150; i++) fake.addDelivery({ delivered_at: ago(7300 + i), status_code: 503 });
    const recent = fake.addDelivery({ delivered_at: ago(60), status_code: 503 });
    const result = await redeliverFailed(await probotFor(fake).auth(), { since: HOUR_AGO, max: 100, log: capture().log });
    expect(result).toEqual({ examined: 1, failed: 1, redelivered: 1, newest: ago(60) });
    expect(redeliveredIds()).toEqual([recent.id]);
    expect(redeliveredIds()).not.toContain(old.id);
    // The first page already reached past `since`: its second page is never asked for.
    expect(listRequests()).toBe(1);
  });

  it('redelivers at most `max`, the oldest, and leaves the rest where the next pass starts', async () => {
    const failed = [500, 400, 300, 200, 100].map((s) => fake.addDelivery({ delivered_at: ago(s), status_code: 503 }));
    fake.addDelivery({ delivered_at: ago(50), status_code: 200 });
    const app = await probotFor(fake).auth();
    const first = await redeliverFailed(app, { since: HOUR_AGO, max: 2, log: capture().log });
    expect(first).toEqual({ examined: 6, failed: 5, redelivered: 2, newest: ago(300) });
    expect(redeliveredIds()).toEqual([failed[0]!.id, failed[1]!.id]);

    // The next pass, from there: the three left, not the two already redelivered (answered 200 since).
    const second = await redeliverFailed(app, { since: first.newest!, max: 2, log: capture().log });
    expect(second).toMatchObject({ failed: 3, redelivered: 2 });
    const third = await redeliverFailed(app, { since: second.newest!, max: 2, log: capture().log });
    expect(third).toMatchObject({ failed: 1, redelivered: 1 });
    expect(redeliveredIds()).toEqual(failed.map((f) => f.id));
  });

  it('logs and skips a redelivery GitHub refuses for that delivery (404, 422); other failures propagate', async () => {
    const gone = fake.addDelivery({ delivered_at: ago(300), status_code: 503 });
    const tooOld = fake.addDelivery({ delivered_at: ago(200), status_code: 503 });
    const fine = fake.addDelivery({ delivered_at: ago(100), status_code: 503 });
    fake.failNext({ method: 'POST', path: new RegExp(`/deliveries/${gone.id}/attempts$`), status: 404, body: { message: 'Not Found', status: '404' } });
    fake.failNext({ method: 'POST', path: new RegExp(`/deliveries/${tooOld.id}/attempts$`), status: 422, body: { message: 'Validation Failed', status: '422' } });
    const { log, lines } = capture();
    const app = await probotFor(fake).auth();
    expect(await redeliverFailed(app, { since: HOUR_AGO, max: 100, log })).toMatchObject({ failed: 3, redelivered: 1 });
    expect(redeliveredIds()).toEqual([fine.id]);
    expect(lines.filter((l) => l.msg === 'GitHub refused to redeliver a webhook delivery; skipped').map((l) => [l.deliveryId, l.status])).toEqual([
      [gone.id, 404],
      [tooOld.id, 422],
    ]);

    fake.addDelivery({ delivered_at: ago(30), status_code: 503 });
    fake.failNext({ method: 'POST', path: /\/attempts$/, status: 500 });
    await expect(redeliverFailed(app, { since: ago(60), max: 100, log })).rejects.toMatchObject({ status: 500 });
  });
});

describe('one pass from the checkpoint', () => {
  const store = (at?: Date) => {
    const written: Date[] = [];
    const checkpoint: DeliveryCheckpointStore = { read: async () => at, write: async (d) => void written.push(d) };
    return { checkpoint, written };
  };

  it('starts at the checkpoint, or what GitHub still keeps (3 days) when there is none or it is older', () => {
    const now = new Date('2026-03-04T12:00:00Z');
    const oldest = new Date(now.getTime() - DELIVERY_RETENTION_MS);
    expect(oldest.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(redeliverySince(undefined, now)).toEqual(oldest);
    expect(redeliverySince(new Date('2026-02-01T00:00:00Z'), now)).toEqual(oldest);
    expect(redeliverySince(new Date('2026-03-04T11:00:00Z'), now)).toEqual(new Date('2026-03-04T11:00:00Z'));
  });

  it('redelivers from the checkpoint, moves it to the newest delivery examined and logs the counts', async () => {
    fake.addDelivery({ delivered_at: ago(600), status_code: 503 });
    const failed = fake.addDelivery({ delivered_at: ago(200), status_code: 503 });
    fake.addDelivery({ delivered_at: ago(100), status_code: 200 });
    const { checkpoint, written } = store(ago(300));
    const { log, lines } = capture();
    await redeliverSinceCheckpoint(await probotFor(fake).auth(), checkpoint, { log });
    expect(redeliveredIds()).toEqual([failed.id]);
    expect(written).toEqual([ago(100)]);
    expect(lines.find((l) => l.msg === 'failed webhook deliveries redelivered')).toMatchObject({ examined: 2, failed: 1, redelivered: 1, since: ago(300).toISOString(), newest: ago(100).toISOString() });
  });

  it('leaves the checkpoint alone when GitHub lists nothing', async () => {
    const { checkpoint, written } = store(undefined);
    const { log, lines } = capture();
    expect(await redeliverSinceCheckpoint(await probotFor(fake).auth(), checkpoint, { log })).toEqual({ examined: 0, failed: 0, redelivered: 0, newest: undefined });
    expect(written).toEqual([]);
    expect(lines.find((l) => l.msg === 'failed webhook deliveries redelivered')).toMatchObject({ examined: 0, redelivered: 0 });
  });
});
