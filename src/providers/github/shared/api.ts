import { RetryableError } from '../../../core/errors.js';
import type { GitHubClient } from '../../../github-app/client.js';
import { conditionalGet, nextLink, type Fetched } from './conditional.js';
import type { EtagCache } from './etag-cache.js';
import { rateLimitWaitMs, statusOf } from './errors.js';
import { WriteRedirectedError } from './moved.js';
import { graphqlWrite, paceKey, restWrite, type WritePacer, type WriteTarget } from '../pacer.js';

export interface GitHubApiOptions {
  client: GitHubClient;
  org: string;
  cache: EtagCache;
  pacer: WritePacer;
  /** Minimum time between two mutations for this org. */
  writeSpacingMs: number;
}

/** Request counts of one session, for logs and for tests that hold reads to a budget. */
export interface ApiStats {
  gets: number;
  notModified: number;
  graphql: number;
  writes: number;
}

export interface WriteResponse<T> {
  status: number;
  data: T;
}

/** Writes never follow redirects: a renamed repository's old name must not reach the new one. */
const NO_REDIRECT = { redirect: 'manual' } as const;

/**
 * Every GitHub call a kind makes goes through here: conditional GETs (ETag cache), list
 * pagination, GraphQL, and paced writes. Errors are thrown as Octokit raised them; the
 * session maps them to typed errors in one place, after a kind has had the chance to treat
 * an expected status (a 404 on delete, a 422 "already exists") as success.
 */
export class GitHubApi {
  readonly org: string;
  readonly stats: ApiStats = { gets: 0, notModified: 0, graphql: 0, writes: 0 };
  private readonly client: GitHubClient;
  private readonly cache: EtagCache;
  private readonly pacer: WritePacer;
  private readonly writeSpacingMs: number;
  private readonly paceKey: string;

  constructor(options: GitHubApiOptions) {
    this.client = options.client;
    this.org = options.org;
    this.cache = options.cache;
    this.pacer = options.pacer;
    this.writeSpacingMs = options.writeSpacingMs;
    this.paceKey = paceKey(options.org);
  }

  /** A conditional GET; undefined when GitHub answers 404 (or 410: gone). */
  async get<T>(route: string, params: Record<string, unknown> = {}): Promise<Fetched<T> | undefined> {
    try {
      return this.count(await conditionalGet<T>(this.client, this.cache, route, params));
    } catch (error) {
      this.stats.gets++;
      const status = statusOf(error);
      if (status === 404 || status === 410) return undefined;
      throw error;
    }
  }

  /**
   * Every page of a list endpoint (`per_page=100`), each page conditional. Undefined when the
   * parent is missing (404). `notModified` is true only when every page was a 304.
   */
  async list<T>(route: string, params: Record<string, unknown> = {}): Promise<Fetched<T[]> | undefined> {
    const first = await this.get<T[]>(route, { per_page: 100, ...params });
    if (!first) return undefined;
    const items = [...first.data];
    let notModified = first.notModified;
    let redirected = first.redirected;
    for (let next = nextLink(first.link); next; ) {
      const page = await this.get<T[]>(`GET ${next}`);
      // A list that vanished halfway must not pass for a short one.
      if (!page) throw new RetryableError(`GitHub stopped answering a list halfway (${route}).`);
      items.push(...page.data);
      notModified &&= page.notModified;
      redirected ||= page.redirected;
      next = nextLink(page.link);
    }
    return { data: items, notModified, redirected, link: undefined };
  }

  /** A GraphQL query (not a mutation: those go through `mutate`, which is paced). */
  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    this.stats.graphql++;
    return this.client.graphql<T>(query, variables);
  }

  /** A paced GraphQL mutation. */
  async mutate<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    return this.paced(graphqlWrite(query), () => {
      this.stats.graphql++;
      return this.client.graphql<T>(query, variables);
    });
  }

  /**
   * A paced REST mutation. Only GitHub's final answer counts: a 3xx (the name now redirects
   * elsewhere) is never followed and never success; it throws WriteRedirectedError, so
   * callers decide what a moved resource means for them and nothing passes for done.
   */
  async write<T = unknown>(route: string, params: Record<string, unknown>): Promise<WriteResponse<T>> {
    return this.paced(restWrite(route), async () => {
      this.stats.writes++;
      const response = await this.client.request(route, { ...params, request: NO_REDIRECT });
      if (response.status >= 300 && response.status < 400) {
        const location = (response.headers as Record<string, string | undefined>).location;
        throw new WriteRedirectedError(route, response.status, location);
      }
      return { status: response.status, data: response.data as T };
    });
  }

  /** Every write waits for its slot in GitHub's secondary-limit budgets for its endpoint. */
  private async paced<T>(write: WriteTarget, send: () => Promise<T>): Promise<T> {
    await this.pacer.acquire(this.paceKey, this.writeSpacingMs, write);
    try {
      return await send();
    } catch (error) {
      const waitMs = rateLimitWaitMs(error);
      if (waitMs !== undefined) await this.pacer.pause(this.paceKey, waitMs);
      throw error;
    }
  }

  private count<T>(fetched: Fetched<T>): Fetched<T> {
    this.stats.gets++;
    if (fetched.notModified) this.stats.notModified++;
    return fetched;
  }
}
