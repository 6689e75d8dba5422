/**
 * Responses kept for conditional requests: GitHub answers `If-None-Match` with 304 when
 * nothing changed, and a 304 does not count against the rate limit. The interface is async
 * so a shared store (Redis) can replace the in-memory one without touching callers.
 */
export interface CachedResponse {
  etag: string;
  data: unknown;
  /** The `link` header, so paginated lists can be followed from cache. */
  link?: string;
  /** The final URL the response came from (after redirects). */
  url?: string;
}

export interface EtagCache {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface LruEtagCacheOptions {
  /** Entries kept; the least recently used goes first. Default 5,000 (a repository body is ~6 KB). */
  maxEntries?: number;
}

/** In-process LRU: a Map keeps insertion order, so re-inserting on use makes it an LRU. */
export class LruEtagCache implements EtagCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly maxEntries: number;

  constructor(options: LruEtagCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 5_000);
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    const value = this.entries.get(key);
    if (value) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  async set(key: string, value: CachedResponse): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
