/** Sorting the fake's request log into what a job spent, and what it cost against GitHub's primary rate limit. */
import type { RequestRecord } from '../../test/support/fake-github/index.js';
import { graphqlCost, type GraphqlCost } from './graphql-cost.js';

export interface RequestSplit {
  total: number;
  /** Reads of the config repo: its head and history (GraphQL), tarballs (API 302 + codeload), compare, contents. */
  configReads: number;
  /** Reads of the managed org (REST GETs, GraphQL queries). */
  targetReads: number;
  /** Writes to the managed org (REST mutations, GraphQL mutations). */
  targetWrites: number;
  /** The app's own reporting: check runs, PR comments, drift issues, permission checks. */
  checksAndComments: number;
  /** The app's own token requests (`/app/...`): app-authenticated, outside the installation's budget. */
  auth: number;
  /** REST answers 304 Not Modified (free). */
  notModified: number;
  /** REST requests counted against the primary limit (not 304; codeload is not the API). */
  restCounted: number;
  graphqlCalls: number;
  /** GraphQL points, computed as GitHub does (see graphql-cost.ts). */
  graphqlPoints: number;
  /** restCounted + graphqlPoints: the two primary buckets added up. */
  primaryCost: number;
  /** The most expensive GraphQL call, to say where the points go. */
  heaviestGraphql?: GraphqlCost;
}

const REPORTING = /\/(check-runs|check-suites|issues|pulls|comments|collaborators)(\/|$)/;

export function splitRequests(records: readonly RequestRecord[], org: string, configRepo: string): RequestSplit {
  const configPrefix = `/repos/${org}/${configRepo}`.toLowerCase();
  const split: RequestSplit = {
    total: records.length,
    configReads: 0,
    targetReads: 0,
    targetWrites: 0,
    checksAndComments: 0,
    auth: 0,
    notModified: 0,
    restCounted: 0,
    graphqlCalls: 0,
    graphqlPoints: 0,
    primaryCost: 0,
  };
  for (const record of records) {
    const path = decodeURIComponent(record.path).toLowerCase();
    if (record.kind === 'codeload') {
      split.configReads++;
      continue;
    }
    if (record.kind === 'graphql') {
      const body = record.body as { query?: string; variables?: Record<string, unknown> } | undefined;
      const cost = graphqlCost(body?.query ?? '{ __typename }', body?.variables ?? {});
      split.graphqlCalls++;
      split.graphqlPoints += cost.points;
      if (!split.heaviestGraphql || cost.points > split.heaviestGraphql.points) split.heaviestGraphql = cost;
      // The config repo's own queries: its branch head, and the history searched for progress.
      if (/query (ConvergeHead|ConvergeProgress)\b/.test(body?.query ?? '')) split.configReads++;
      else if (cost.mutation) split.targetWrites++;
      else split.targetReads++;
      continue;
    }
    if (path.startsWith('/app/')) {
      split.auth++;
      continue;
    }
    if (record.etag304) split.notModified++;
    else split.restCounted++;
    if (path === configPrefix || path.startsWith(`${configPrefix}/`)) {
      if (REPORTING.test(path.slice(configPrefix.length))) split.checksAndComments++;
      else split.configReads++;
    } else if (record.method === 'GET' || record.method === 'HEAD') split.targetReads++;
    else split.targetWrites++;
  }
  split.primaryCost = split.restCounted + split.graphqlPoints;
  return split;
}

/** `12 (config 5 · target reads 2 · target writes 2 · checks/comments 3)`. */
export function describeSplit(split: RequestSplit): string {
  return (
    `config ${split.configReads} · target reads ${split.targetReads} · target writes ${split.targetWrites} · checks/comments ${split.checksAndComments}` +
    (split.auth > 0 ? ` · installation token ${split.auth}` : '') +
    (split.notModified > 0 ? ` · ${split.notModified} answered 304` : '')
  );
}
