/**
 * What happens to every request before and after its handler: logging, checking against
 * GitHub's published descriptions, failure injection, rate limits, rename redirects,
 * conditional requests (ETag / 304) and latency.
 */
import { createHash } from 'node:crypto';
import { checkRequest, checkResponse, type OpenApiSpecName, loadOpenApi } from '../openapi.js';
import { executeGraphql } from './graphql.js';
import { HttpError, type FakeResponse } from './http.js';
import type { Router } from './router.js';
import { serveCodeload } from './tarball.js';
import type { World } from './world.js';

export interface RawRequest {
  origin: string;
  method: string;
  /** Path and query as sent. */
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

export interface RequestRecord {
  method: string;
  /** API path without the base URL's prefix, as sent (URL-encoded), without the query. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  kind: 'rest' | 'graphql' | 'codeload';
  /** The fake route that answered, e.g. `GET /repos/{owner}/{repo}/labels`. */
  route?: string;
  /** Answered 304 Not Modified to a conditional request. */
  etag304?: boolean;
  /** Answered by a `failNext` rule. */
  injected?: boolean;
}

/** Requests matching are answered `ms` later (on top of `latencyMs`): a slow endpoint. */
export interface DelayRule {
  method?: string;
  path: RegExp;
  ms: number;
}

export interface FailureRule {
  method?: string;
  path: RegExp;
  status: number;
  times?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Bucket {
  limit: number;
  used: number;
  reset: number;
}

export interface TransportOptions {
  spec: OpenApiSpecName;
  latencyMs: number;
  checkResponses: boolean;
  rateLimit: number;
}

const REPO_PATH = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/;
const BY_ID_PATH = /^\/repositories\/(\d+)(\/.*)?$/;

export class Transport {
  readonly requests: RequestRecord[] = [];
  readonly violations: string[] = [];
  readonly failures: Array<FailureRule & { times: number }> = [];
  readonly delays: DelayRule[] = [];
  readonly buckets: Record<'core' | 'graphql', Bucket>;
  private requestId = 0;

  constructor(
    private readonly world: World,
    private readonly router: Router,
    private readonly options: TransportOptions,
  ) {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    this.buckets = { core: { limit: options.rateLimit, used: 0, reset }, graphql: { limit: options.rateLimit, used: 0, reset } };
  }

  /** Which kind of request a URL on one of the fake's origins is, and its path within it. */
  classify(origin: string, pathname: string): { kind: RequestRecord['kind']; path: string } | undefined {
    const { urls } = this.world;
    const graphql = new URL(urls.graphql);
    if (origin === graphql.origin && pathname === graphql.pathname) return { kind: 'graphql', path: '/graphql' };
    const codeload = new URL(urls.codeload);
    const codeloadPrefix = codeload.pathname.replace(/\/$/, '');
    if (origin === codeload.origin && pathname.startsWith(`${codeloadPrefix}/`)) return { kind: 'codeload', path: pathname.slice(codeloadPrefix.length) };
    if (origin === urls.apiOrigin && (urls.apiPrefix === '' || pathname.startsWith(`${urls.apiPrefix}/`))) {
      return { kind: 'rest', path: pathname.slice(urls.apiPrefix.length) || '/' };
    }
    return undefined;
  }

  async handle(raw: RawRequest): Promise<FakeResponse> {
    const url = new URL(raw.url, raw.origin);
    const where = this.classify(raw.origin, url.pathname);
    const method = raw.method.toUpperCase();
    const body = parseBody(raw.body);
    const query = Object.fromEntries(url.searchParams);
    const record: RequestRecord = { method, path: where?.path ?? url.pathname, query, body, status: 0, kind: where?.kind ?? 'rest' };
    this.requests.push(record);
    const response = await this.respond(record, raw, where === undefined);
    record.status = response.status;
    const delay = this.options.latencyMs + this.delays.filter((d) => (d.method === undefined || d.method.toUpperCase() === method) && d.path.test(record.path)).reduce((sum, d) => sum + d.ms, 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return response;
  }

  private async respond(record: RequestRecord, raw: RawRequest, foreign: boolean): Promise<FakeResponse> {
    if (foreign) {
      this.violations.push(`${record.method} ${raw.origin}${record.path}: not a URL the fake serves`);
      return json(404, { message: 'Not Found' });
    }
    if (record.kind === 'codeload') return serveCodeload(this.world, record.path);

    const bucket = record.kind === 'graphql' ? this.buckets.graphql : this.buckets.core;
    if (Date.now() / 1000 >= bucket.reset) {
      bucket.used = 0;
      bucket.reset = Math.floor(Date.now() / 1000) + 3600;
    }
    if (record.kind === 'rest') {
      this.violations.push(...checkRequest({ method: record.method, path: record.path, query: record.query, body: record.body }, { spec: this.options.spec }));
    }
    const injected = this.takeFailure(record);
    if (injected) {
      record.injected = true;
      return this.finish(record, raw, bucket, { status: injected.status, body: injected.body ?? { message: 'Injected failure' }, headers: injected.headers ?? {} });
    }
    if (bucket.limit - bucket.used <= 0) {
      return this.withRateHeaders(
        json(403, { message: `API rate limit exceeded for installation ID ${this.world.installationId}.`, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }),
        bucket,
        record.kind === 'graphql' ? 'graphql' : 'core',
        false,
      );
    }
    if (record.kind === 'graphql') {
      bucket.used++;
      const outcome = await executeGraphql(this.world, record.body, this.rateView(bucket));
      this.violations.push(...outcome.violations);
      return this.withRateHeaders(json(200, outcome.body), bucket, 'graphql', false);
    }
    return this.finish(record, raw, bucket, await this.route(record, raw));
  }

  private async route(record: RequestRecord, raw: RawRequest): Promise<FakeResponse> {
    let path = record.path;
    const { repos } = this.world;
    const byId = BY_ID_PATH.exec(path);
    if (byId) {
      const repo = repos.getById(Number(byId[1]));
      if (!repo) return json(404, { message: 'Not Found', status: '404' });
      path = `/repos/${repo.owner}/${repo.name}${byId[2] ?? ''}`;
    }
    const repoPath = REPO_PATH.exec(path);
    if (repoPath && !repos.get(decodeURIComponent(repoPath[1]!), decodeURIComponent(repoPath[2]!))) {
      const id = repos.redirectFor(decodeURIComponent(repoPath[1]!), decodeURIComponent(repoPath[2]!));
      if (id !== undefined) {
        // GitHub: 301 for reads, 307 for writes, both to the repository-id URL.
        const search = new URL(raw.url, raw.origin).search;
        const location = `${this.world.urls.api}/repositories/${id}${repoPath[3] ?? ''}${search}`;
        const status = record.method === 'GET' || record.method === 'HEAD' ? 301 : 307;
        return { status, body: { message: status === 301 ? 'Moved Permanently' : 'Temporary Redirect', url: location, documentation_url: 'https://docs.github.com/rest' }, headers: { location } };
      }
    }
    const match = this.router.match(record.method, path);
    if (!match) {
      const documented = loadOpenApi(this.options.spec).match(record.method, path) !== undefined;
      this.violations.push(
        documented
          ? `${record.method} ${record.path}: GitHub documents this, but the fake has no route for it yet`
          : `${record.method} ${record.path}: no fake route (and not a documented GitHub operation)`,
      );
      return documented ? json(501, { message: 'Not implemented by FakeGitHub' }) : json(404, { message: 'Not Found', status: '404' });
    }
    record.route = match.route;
    try {
      return await match.handler({ method: record.method, path, params: match.params, query: record.query, body: record.body, headers: raw.headers });
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, body: error.body, headers: error.headers };
      this.violations.push(`${record.method} ${record.path}: the fake crashed: ${(error as Error).stack ?? String(error)}`);
      return json(500, { message: 'FakeGitHub crashed' });
    }
  }

  /** ETag and 304 for reads, rate-limit accounting, and the optional response self-check. */
  private finish(record: RequestRecord, raw: RawRequest, bucket: Bucket, response: FakeResponse): FakeResponse {
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    let text: string | undefined;
    if (response.body !== undefined && !Buffer.isBuffer(response.body)) {
      text = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    const resource = record.kind === 'graphql' ? 'graphql' : 'core';
    const isRead = record.method === 'GET' || record.method === 'HEAD';
    if (isRead && response.status === 200 && response.body !== undefined) {
      const etag = `W/"${createHash('sha1').update(text ?? (response.body as Buffer)).digest('hex')}"`;
      headers.etag = etag;
      headers['cache-control'] = 'private, max-age=60, s-maxage=60';
      headers.vary = 'Accept, Authorization, Cookie, X-GitHub-OTP';
      if (etagMatches(raw.headers['if-none-match'], etag)) {
        // A 304 on a conditional request does not count against the rate limit.
        record.etag304 = true;
        return this.withRateHeaders({ status: 304, headers }, bucket, resource, false);
      }
    }
    if (this.options.checkResponses && response.status < 300 && text !== undefined && !record.injected) {
      this.violations.push(
        ...checkResponse({ method: record.method, path: record.path, query: record.query, status: response.status, responseBody: response.body }, { spec: this.options.spec }).map(
          (v) => `fake response does not match GitHub's description: ${v}`,
        ),
      );
    }
    const body = record.method === 'HEAD' ? undefined : (text ?? response.body);
    return this.withRateHeaders({ status: response.status, body, headers }, bucket, resource);
  }

  private withRateHeaders(response: FakeResponse, bucket: Bucket, resource: string, count = true): FakeResponse {
    if (count) bucket.used++;
    this.requestId++;
    return {
      ...response,
      headers: {
        ...(response.headers ?? {}),
        'x-ratelimit-limit': String(bucket.limit),
        'x-ratelimit-remaining': String(Math.max(bucket.limit - bucket.used, 0)),
        'x-ratelimit-reset': String(bucket.reset),
        'x-ratelimit-used': String(bucket.used),
        'x-ratelimit-resource': resource,
        'x-github-request-id': `FAKE:${this.requestId.toString(16).toUpperCase()}`,
        'x-github-media-type': 'github.v3; format=json',
      },
    };
  }

  private rateView(bucket: Bucket) {
    return {
      limit: bucket.limit,
      remaining: Math.max(bucket.limit - bucket.used, 0),
      used: bucket.used,
      resetAt: new Date(bucket.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }

  private takeFailure(record: RequestRecord): FailureRule | undefined {
    const index = this.failures.findIndex((f) => (f.method === undefined || f.method.toUpperCase() === record.method) && f.path.test(record.path));
    if (index < 0) return undefined;
    const rule = this.failures[index]!;
    if (--rule.times <= 0) this.failures.splice(index, 1);
    return rule;
  }
}

function json(status: number, body: unknown): FakeResponse {
  return { status, body };
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  if (body === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}
