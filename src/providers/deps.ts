import type { Logger } from 'pino';
import type { EtagCache } from './github/etag-cache.js';
import type { WritePacer } from './github/pacer.js';

import type { GitHubClient } from '../github-app/client.js';

export type { GitHubClient };

/**
 * What the host process hands every provider when it connects a target. Providers take
 * what they need; the engine never looks inside.
 */
export interface ProviderDeps {
  /**
   * The installation's client and the org (owner) the config repo lives in. `pacer` shares
   * write pacing across processes (a RedisWritePacer); `etagCache` shares conditional-request
   * bodies. Both default to in-process implementations. `writeSpacingMs` is the
   * host's default gap between writes (a target's own setting wins).
   */
  github?: { client: GitHubClient; owner: string; pacer?: WritePacer; etagCache?: EtagCache; writeSpacingMs?: number };
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
}
