import type { GitHubClient } from '../../github-app/client.js';
import type { WritePacer } from './pacer.js';
import type { EtagCache } from './shared/etag-cache.js';
import type { LiveRecordStore, LiveReuse } from './shared/live-records.js';

/**
 * What the github provider needs from the host, besides the logger and environment every
 * provider gets: the installation's client and the org (owner) the config repo lives in.
 * `pacer` shares write pacing across processes (a RedisWritePacer); `etagCache` shares
 * conditional-request bodies. Both default to in-process implementations. `writeSpacingMs`
 * is the host's default gap between writes (a target's own setting wins). `liveRecords` keeps
 * what bulk reads saw, and is told of every write; `reuseLive` lets a bulk read stand records
 * in for repositories that did not change (warm full runs). Without it every bulk read is cold.
 */
export interface GitHubDeps {
  client: GitHubClient;
  owner: string;
  pacer?: WritePacer;
  etagCache?: EtagCache;
  writeSpacingMs?: number;
  liveRecords?: LiveRecordStore;
  reuseLive?: LiveReuse;
}
