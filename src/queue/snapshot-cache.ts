import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { ConfigFiles, FileProblem } from '../config/load.js';
import type { RepoRef, SnapshotCache } from '../github-app/index.js';
import type { RedisConnection } from './connection.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Bumped when the stored shape changes: older entries are then misses. */
const FORMAT = 1;

interface Stored {
  format: number;
  files: Array<[string, string]>;
  problems: FileProblem[];
}

export interface SnapshotCacheOptions {
  prefix: string;
  /** How long an unused snapshot is kept. */
  ttlSeconds?: number;
  /** Snapshots larger than this, compressed, are not kept (they are rare and Redis is memory). */
  maxBytes?: number;
}

/**
 * Config repo snapshots in Redis, gzipped JSON under `<prefix>:snapshot:<owner>/<repo>:<tree>`.
 * A tree sha names its content, so an entry is never stale; entries expire when unused.
 */
export class RedisSnapshotCache implements SnapshotCache {
  private readonly ttlSeconds: number;
  private readonly maxBytes: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: SnapshotCacheOptions,
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  }

  private key(ref: RepoRef, tree: string): string {
    // GitHub's owner and repository names are case-insensitive.
    return `${this.options.prefix}:snapshot:${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}:${tree}`;
  }

  async has(ref: RepoRef, tree: string): Promise<boolean> {
    return (await this.redis.exists(this.key(ref, tree))) === 1;
  }

  async get(ref: RepoRef, tree: string): Promise<ConfigFiles | undefined> {
    const key = this.key(ref, tree);
    const raw = await this.redis.getBuffer(key);
    if (!raw) return undefined;
    const stored = JSON.parse((await gunzipAsync(raw)).toString('utf8')) as Stored;
    if (stored.format !== FORMAT) return undefined;
    await this.redis.expire(key, this.ttlSeconds);
    return Object.assign(new Map(stored.files), { problems: stored.problems });
  }

  async set(ref: RepoRef, tree: string, files: ConfigFiles): Promise<void> {
    const stored: Stored = { format: FORMAT, files: [...files], problems: [...(files.problems ?? [])] };
    const raw = await gzipAsync(JSON.stringify(stored));
    if (raw.length > this.maxBytes) return;
    await this.redis.set(this.key(ref, tree), raw, 'EX', this.ttlSeconds);
  }
}
