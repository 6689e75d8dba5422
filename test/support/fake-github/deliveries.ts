/**
 * The app webhook's deliveries, as GitHub keeps them: `GET /app/hook/deliveries` (newest first,
 * paged by an opaque `cursor` through the `link` header, never by `page`) and
 * `POST /app/hook/deliveries/{delivery_id}/attempts` (202; the redelivery is a delivery of its
 * own, with the same `guid` and `redelivery: true`). The fake sends no webhook: a redelivery is
 * recorded, answered 200 unless the test changes its record.
 */
import { randomUUID } from 'node:crypto';
import { notFound, ok, unprocessable, type FakeRequest } from './http.js';
import { requireAppJwt } from './installation.js';
import type { Router } from './router.js';
import type { World } from './world.js';

export interface DeliveryRecord {
  id: number;
  guid: string;
  /** ISO 8601, seconds precision as GitHub writes it. */
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  /** The delivery a `POST .../attempts` redelivered (fake bookkeeping, not rendered). */
  redeliveryOf?: number;
}

export type DeliverySeed = Partial<Omit<DeliveryRecord, 'delivered_at' | 'redeliveryOf'>> & { delivered_at?: string | Date };

const PER_PAGE_MAX = 100;

/** GitHub's `status` text for a status code: what its delivery log shows. */
function statusText(code: number): string {
  if (code === 0) return 'failed to connect to host';
  if (code >= 200 && code < 300) return 'OK';
  return `Invalid HTTP Response: ${code}`;
}

const iso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class DeliveryStore {
  private readonly records: DeliveryRecord[] = [];

  constructor(private readonly world: World) {}

  add(seed: DeliverySeed = {}): DeliveryRecord {
    const statusCode = seed.status_code ?? 200;
    const at = seed.delivered_at ?? new Date();
    const record: DeliveryRecord = {
      id: seed.id ?? this.world.nextId(),
      guid: seed.guid ?? randomUUID(),
      delivered_at: typeof at === 'string' ? at : iso(at),
      redelivery: seed.redelivery ?? false,
      duration: seed.duration ?? 0.05,
      status: seed.status ?? statusText(statusCode),
      status_code: statusCode,
      event: seed.event ?? 'push',
      action: seed.action ?? null,
      installation_id: seed.installation_id === undefined ? this.world.installationId : seed.installation_id,
      repository_id: seed.repository_id ?? null,
    };
    this.records.push(record);
    return record;
  }

  /** Newest first, as GitHub lists them; the id breaks ties (a later id is a later delivery). */
  list(): DeliveryRecord[] {
    return [...this.records].sort((a, b) => b.delivered_at.localeCompare(a.delivered_at) || b.id - a.id);
  }

  redeliver(id: number): DeliveryRecord {
    const original = this.records.find((r) => r.id === id);
    if (!original) throw notFound();
    const record = this.add({
      guid: original.guid,
      event: original.event,
      action: original.action,
      installation_id: original.installation_id,
      repository_id: original.repository_id,
      redelivery: true,
    });
    record.redeliveryOf = id;
    return record;
  }

  redeliveries(): DeliveryRecord[] {
    return this.records.filter((r) => r.redeliveryOf !== undefined);
  }
}

function deliveryJson(record: DeliveryRecord): Record<string, unknown> {
  const { redeliveryOf: _, ...json } = record;
  return { ...json, throttled_at: null };
}

/** GitHub's cursors are opaque; the fake's name the first delivery of the page they start. */
const cursorFor = (record: DeliveryRecord) => `v1_${record.id}`;

function page(world: World, req: FakeRequest) {
  const perPage = Math.min(Math.max(Number(req.query.per_page ?? 30) || 30, 1), PER_PAGE_MAX);
  let items = world.deliveries.list();
  // GitHub's classification: `success` is 200-399, `failure` 400-599 (a refused connection is neither).
  if (req.query.status === 'success') items = items.filter((d) => d.status_code >= 200 && d.status_code < 400);
  if (req.query.status === 'failure') items = items.filter((d) => d.status_code >= 400 && d.status_code < 600);
  let start = 0;
  if (req.query.cursor !== undefined) {
    start = items.findIndex((d) => cursorFor(d) === req.query.cursor);
    if (start < 0) throw unprocessable('Invalid cursor');
  }
  const slice = items.slice(start, start + perPage);
  const next = items[start + perPage];
  if (!next) return ok(slice.map(deliveryJson));
  const query = new URLSearchParams({ ...req.query, per_page: String(perPage), cursor: cursorFor(next) });
  return ok(slice.map(deliveryJson), 200, { link: `<${world.urls.api}${req.path}?${query.toString()}>; rel="next"` });
}

export function deliveryRoutes(router: Router, world: World): void {
  router.get('/app/hook/deliveries', (req) => {
    requireAppJwt(world, req);
    return page(world, req);
  });

  router.post('/app/hook/deliveries/{delivery_id}/attempts', (req) => {
    requireAppJwt(world, req);
    world.deliveries.redeliver(Number(req.params.delivery_id));
    return ok({}, 202);
  });
}
