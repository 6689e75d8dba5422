import type { RedisConnection } from './connection.js';

/** A week: any plan, convergence or full run of the org, or a worker's start, lists them again. */
const KEEP_SECONDS = 7 * 86_400;

/**
 * The config repos of an org when CONVERGE_CONFIG_REPO has a pattern: only listing the org's
 * repositories tells them, which a webhook handler never does. Workers record what they listed
 * (`<prefix>:config-repos:<org>`, a JSON array of names), and the drift handler reads it to
 * know which config repos an event's drift check is for. Until a worker has listed them, the
 * org's events are left to the full run.
 */
export class KnownConfigRepos {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private key(org: string): string {
    return `${this.prefix}:config-repos:${org.toLowerCase()}`;
  }

  async remember(org: string, repos: readonly string[]): Promise<void> {
    await this.redis.set(this.key(org), JSON.stringify([...repos]), 'EX', KEEP_SECONDS);
  }

  async known(org: string): Promise<string[] | undefined> {
    const value = await this.redis.get(this.key(org));
    if (value === null) return undefined;
    try {
      const repos: unknown = JSON.parse(value);
      return Array.isArray(repos) && repos.every((r) => typeof r === 'string') ? repos : undefined;
    } catch {
      return undefined;
    }
  }
}
