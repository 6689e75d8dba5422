/**
 * The least wall time a request pattern can take at a given latency: requests × latency ÷
 * concurrency, except that pages which follow each other by cursor (a GraphQL query that
 * declares `$after`, a REST list page past the first reached through the `Link` header of the
 * page before) cannot overlap, so they count one latency each. A REST list whose pages are
 * addressed by number (its first page asked for as `page=1`, where a `Link` walk starts without
 * a page number) can have them all in flight at once, so those pages count as parallel. The
 * fake's request log has no timing, so this goes by how each list was asked for, not by when.
 * CPU (ours and the fake's) comes on top; the floor is what the network alone costs.
 */
import type { RequestRecord } from '../../test/support/fake-github/index.js';

export interface RequestFloor {
  ms: number;
  /** Requests that wait for the one before them. */
  sequential: number;
  /** The rest, `concurrency` at a time. */
  parallel: number;
  concurrency: number;
  latencyMs: number;
}

/** A REST list: its path and query without the page number. */
function listOf(record: RequestRecord): string {
  const { page: _page, ...query } = record.query;
  return `${record.path}?${new URLSearchParams(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString()}`;
}

function isSequentialPage(record: RequestRecord, byNumber: ReadonlySet<string>): boolean {
  if (record.kind === 'graphql') {
    const query = (record.body as { query?: string } | undefined)?.query ?? '';
    return /\$after\b/.test(query);
  }
  return Number(record.query.page ?? '1') > 1 && !byNumber.has(listOf(record));
}

export function requestFloor(records: readonly RequestRecord[], latencyMs: number, concurrency: number): RequestFloor {
  const byNumber = new Set(records.filter((r) => r.kind === 'rest' && r.method === 'GET' && r.query.page === '1').map(listOf));
  const sequential = records.filter((r) => isSequentialPage(r, byNumber)).length;
  const parallel = records.length - sequential;
  return { ms: (sequential + Math.ceil(parallel / concurrency)) * latencyMs, sequential, parallel, concurrency, latencyMs };
}

/** `2,650 ms = (51 pages in sequence + 8 requests ÷ 8) × 50 ms`. */
export function describeFloor(floor: RequestFloor): string {
  return `${Math.round(floor.ms).toLocaleString('en-US')} ms = (${floor.sequential} pages in sequence + ⌈${floor.parallel} requests ÷ ${floor.concurrency}⌉) × ${floor.latencyMs} ms`;
}
