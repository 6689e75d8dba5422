import type { GitHubClient } from '../../../github-app/client.js';
import type { EtagCache } from './etag-cache.js';
import { statusOf } from './errors.js';

/** A GET answer, fresh or reused from cache on 304. */
export interface Fetched<T> {
  data: T;
  /** True when GitHub answered 304 and the cached body was reused (free of rate limit). */
  notModified: boolean;
  /**
   * True when the answer came from another URL than the one asked for: GitHub redirects a
   * renamed repository's old name to the new one, which is not the resource that was asked for.
   */
  redirected: boolean;
  link: string | undefined;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return url;
  }
}

/**
 * One conditional GET. `route` is an Octokit route (`GET /repos/{owner}/{repo}`) or an
 * absolute URL (a `next` link). The cache key is the expanded URL, so every page and
 * parameter set is its own entry.
 */
export async function conditionalGet<T>(
  client: GitHubClient,
  cache: EtagCache,
  route: string,
  params: Record<string, unknown> = {},
): Promise<Fetched<T>> {
  const { url } = client.request.endpoint(route, params);
  const key = `GET ${url}`;
  const cached = await cache.get(key);
  const headers = { ...((params.headers as Record<string, string> | undefined) ?? {}), ...(cached ? { 'if-none-match': cached.etag } : {}) };
  try {
    const response = await client.request(route, { ...params, headers });
    const link = response.headers.link;
    const etag = response.headers.etag;
    if (etag) await cache.set(key, { etag, data: response.data, url: response.url, ...(link ? { link } : {}) });
    else if (cached) await cache.delete(key);
    return { data: response.data as T, notModified: false, redirected: isRedirect(url, response.url), link };
  } catch (error) {
    if (cached && statusOf(error) === 304) {
      const finalUrl = (error as { response?: { url?: string } }).response?.url ?? cached.url;
      return { data: cached.data as T, notModified: true, redirected: isRedirect(url, finalUrl), link: cached.link };
    }
    throw error;
  }
}

function isRedirect(requested: string, answered: string | undefined): boolean {
  return Boolean(answered) && pathOf(requested) !== pathOf(answered!);
}

/** The `rel="next"` URL of a `link` header. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}
