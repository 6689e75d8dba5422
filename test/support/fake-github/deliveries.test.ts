import { describe, expect, it } from 'vitest';
import { probotFor } from '../harness.js';
import { installFakeGitHub } from './index.js';

// checkResponses: the JSON the fake returns is checked against GitHub's documented schemas.
const fake = installFakeGitHub({ checkResponses: true });

describe("the app webhook's deliveries", () => {
  it('lists them newest first, paged by cursor in the link header as GitHub pages them', async () => {
    const base = Date.parse('2026-03-01T00:00:00Z');
    for (let i = 0; i < 5; i++) fake.addDelivery({ delivered_at: new Date(base + i * 1000), event: 'label', action: 'edited', status_code: i === 2 ? 503 : 200 });
    const app = await probotFor(fake).auth();
    const first = await app.rest.apps.listWebhookDeliveries({ per_page: 2 });
    expect(first.data.map((d) => d.delivered_at)).toEqual(['2026-03-01T00:00:04Z', '2026-03-01T00:00:03Z']);
    expect(first.data[0]).toMatchObject({ redelivery: false, status: 'OK', status_code: 200, event: 'label', action: 'edited', installation_id: 1, repository_id: null });
    const link = first.headers.link!;
    expect(link).toMatch(/^<https:\/\/api\.github\.com\/app\/hook\/deliveries\?per_page=2&cursor=v1_\d+>; rel="next"$/);
    const all = await app.paginate(app.rest.apps.listWebhookDeliveries, { per_page: 2 });
    expect(all.map((d) => d.status_code)).toEqual([200, 200, 503, 200, 200]);
    expect(fake.count({ route: 'GET /app/hook/deliveries' })).toBe(4);
    // `status` filters by GitHub's classification of the status code.
    expect((await app.rest.apps.listWebhookDeliveries({ status: 'failure' })).data.map((d) => d.status)).toEqual(['Invalid HTTP Response: 503']);
  });

  it('redelivers one: 202, and a new delivery with the same guid marked as a redelivery', async () => {
    const failed = fake.addDelivery({ status_code: 0, event: 'repository', action: 'edited', repository_id: 42 });
    expect(failed.status).toBe('failed to connect to host');
    const app = await probotFor(fake).auth();
    const answer = await app.rest.apps.redeliverWebhookDelivery({ delivery_id: failed.id });
    expect(answer.status).toBe(202);
    expect(fake.redeliveries()).toEqual([expect.objectContaining({ guid: failed.guid, redelivery: true, status_code: 200, repository_id: 42, redeliveryOf: failed.id })]);
    const listed = (await app.rest.apps.listWebhookDeliveries({ per_page: 100 })).data;
    expect(listed.map((d) => [d.guid, d.redelivery])).toEqual([
      [failed.guid, true],
      [failed.guid, false],
    ]);
    await expect(app.rest.apps.redeliverWebhookDelivery({ delivery_id: 999_999 })).rejects.toMatchObject({ status: 404 });
  });
});
