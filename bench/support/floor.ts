/**
 * The least wall time a request pattern can take at a given latency: requests × latency ÷
 * concurrency, except that pages which follow each other by cursor (a GraphQL query that
 * declares `$after`, a REST list page past the first) cannot overlap, so they count one
 * latency each. CPU (ours and the fake's) comes on top; the floor is what the network alone costs.
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

function isSequentialPage(record: RequestRecord): boolean {
  if (record.kind === 'graphql') {
    const query = (record.body as { query?: string } | undefined)?.query ?? '';
    return /\$after\b/.test(query);
  }
  return Number(record.query.page ?? '1') > 1;
}

export function requestFloor(records: readonly RequestRecord[], latencyMs: number, concurrency: number): RequestFloor {
  const sequential = records.filter(isSequentialPage).length;
  const parallel = records.length - sequential;
  return { ms: (sequential + Math.ceil(parallel / concurrency)) * latencyMs, sequential, parallel, concurrency, latencyMs };
}

/** `2,650 ms = (51 pages in sequence + 8 requests ÷ 8) × 50 ms`. */
export function describeFloor(floor: RequestFloor): string {
  return `${Math.round(floor.ms).toLocaleString('en-US')} ms = (${floor.sequential} pages in sequence + ⌈${floor.parallel} requests ÷ ${floor.concurrency}⌉) × ${floor.latencyMs} ms`;
}
