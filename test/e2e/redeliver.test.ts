/**
 * `npm start` against the fake GitHub whose delivery log holds what happened while the app was
 * down: deliveries answered 2xx, deliveries that failed (one since redelivered successfully)
 * and one older than GitHub keeps. Once the web server listens, the app asks GitHub to redeliver
 * exactly the failed ones, oldest first, logs the counts and stores where it got to, so the
 * next start looks only at what came after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_REPO, startStack, type Stack } from './support/stack.js';
import { waitFor, type ShippedProcess } from './support/processes.js';
import type { DeliveryRecord } from '../support/fake-github/index.js';

const REDELIVERED = 'failed webhook deliveries redelivered';
const CHECKPOINT = '{converge}:deliveries-checked-until';

describe('redelivering failed webhook deliveries on start', () => {
  let stack: Stack;
  let app: ShippedProcess;
  const failed: DeliveryRecord[] = [];
  let newest: Date;

  beforeAll(async () => {
    stack = await startStack();
    const { fake } = stack;
    fake.addRepo({ name: CONFIG_REPO });
    fake.commit(CONFIG_REPO, { 'converge.yml': 'providers:\n  github: {}\n' });
    const now = Math.floor(Date.now() / 1000) * 1000;
    const ago = (minutes: number) => new Date(now - minutes * 60_000);
    // Older than GitHub's 3 days: never asked for.
    fake.addDelivery({ delivered_at: ago(73 * 60), status_code: 503, event: 'label', action: 'edited' });
    // 150 deliveries over the last 150 minutes (two pages), every 30th failed while the app was down.
    for (let m = 150; m >= 1; m--) {
      const record = fake.addDelivery({ delivered_at: ago(m), status_code: m % 30 === 0 ? 0 : 200, event: 'repository', action: 'edited' });
      if (record.status_code === 0) failed.push(record);
    }
    // Failed, then redelivered by hand from the app's settings: fine already.
    const healed = fake.addDelivery({ delivered_at: ago(100.5), status_code: 502, event: 'member', action: 'added' });
    fake.addDelivery({ delivered_at: ago(90.5), guid: healed.guid, status_code: 200, redelivery: true, event: 'member', action: 'added' });
    newest = ago(1);
    ({ app } = await stack.startApp());
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('asks GitHub to redeliver exactly the failed deliveries, oldest first, once the web server listens', async () => {
    const line = await app.waitForLog((l) => l.msg === REDELIVERED, 'the redelivery counts');
    expect(line).toMatchObject({ examined: 152, failed: 5, redelivered: 5, newest: newest.toISOString() });
    expect(stack.fake.redeliveries().map((r) => r.redeliveryOf)).toEqual(failed.map((f) => f.id));
    expect(stack.fake.count({ method: 'POST', path: /^\/app\/hook\/deliveries\/\d+\/attempts$/ })).toBe(5);
    expect(stack.fake.count({ route: 'GET /app/hook/deliveries' })).toBe(2);
    expect(app.lines.findIndex((l) => l.msg === 'web server listening')).toBeLessThan(app.lines.indexOf(line));
    expect(await waitFor(() => stack.redis.client.get(CHECKPOINT), 'the checkpoint')).toBe(String(newest.getTime()));
  });

  it('starts the next web process at the checkpoint: what it already redelivered is not asked for again', async () => {
    const web = await stack.start('start:web', { name: 'web-again' });
    const line = await web.waitForLog((l) => l.msg === REDELIVERED, 'the second pass');
    // From the checkpoint on: the newest delivery again, and the five redeliveries (answered 200).
    expect(line).toMatchObject({ since: newest.toISOString(), examined: 6, failed: 0, redelivered: 0 });
    expect(stack.fake.redeliveries()).toHaveLength(5);
  });

  it('asks nothing with CONVERGE_REDELIVER_ON_START=false', async () => {
    const lists = stack.fake.count({ route: 'GET /app/hook/deliveries' });
    const web = await stack.start('start:web', { name: 'web-off', env: { CONVERGE_REDELIVER_ON_START: 'false' } });
    await web.waitForLog((l) => l.msg === 'web server listening', 'web server listening');
    await new Promise((r) => setTimeout(r, 1500));
    expect(web.lines.find((l) => l.msg === REDELIVERED)).toBeUndefined();
    expect(stack.fake.count({ route: 'GET /app/hook/deliveries' })).toBe(lists);
    expect(stack.fake.assertClean()).toBeUndefined();
  });
});
