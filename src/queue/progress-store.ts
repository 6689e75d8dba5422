import type { CommitRef, ProgressStore, RepoRef } from '../github-app/index.js';
import type { RedisConnection } from './connection.js';

/** The last converged commit of each config repo, under `<prefix>:progress:<owner>/<repo>`. */
export class RedisProgressStore implements ProgressStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private key(ref: RepoRef): string {
    return `${this.prefix}:progress:${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}`;
  }

  async get(ref: RepoRef): Promise<CommitRef | undefined> {
    const raw = await this.redis.get(this.key(ref));
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Partial<CommitRef>;
    return typeof parsed.sha === 'string' ? { sha: parsed.sha, tree: typeof parsed.tree === 'string' ? parsed.tree : undefined } : undefined;
  }

  async set(ref: RepoRef, commit: CommitRef): Promise<void> {
    await this.redis.set(this.key(ref), JSON.stringify({ sha: commit.sha, tree: commit.tree }));
  }
}
