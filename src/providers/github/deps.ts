import type { GitHubClient } from '../../github-app/client.js';
import type { WritePacer } from './pacer.js';
import type { EtagCache } from './shared/etag-cache.js';

/**
 * What the github provider needs from the host, besides the logger and environment every
 * provider gets: the installation's client and the org (owner) the config repo lives in.
 * `pacer` shares write pacing across processes (a RedisWritePacer); `etagCache` shares
 * conditional-request bodies. Both default to in-process implementations. `writeSpacingMs`
 * is the host's default gap between writes (a target's own setting wins).
 */
export interface GitHubDeps {
  client: GitHubClient;
  owner: string;
  pacer?: WritePacer;
  etagCache?: EtagCache;
  writeSpacingMs?: number;
}
