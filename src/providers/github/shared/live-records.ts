import type { RestRepository } from '../repository/live.js';

/**
 * What the last bulk read saw of each repository, so that a warm full run reads again only the
 * repositories that may have changed since. A record holds the repository's resources of the
 * kinds the read yields (repository, labels, protection rules) and the stamps GitHub's REST
 * listing gave it then (`updated_at`, `pushed_at`). The host stores records (in Redis, shared
 * by every worker) and knows which repositories changed since (GitHub's events, and Converge's
 * own writes): see `reusable` for when a record stands in for reading the repository.
 */
export interface LiveRecord {
  /** GraphQL node id: stable across renames. */
  id: string;
  name: string;
  updatedAt: string | null;
  pushedAt: string | null;
  /** When the read that made it started (ms): the record is what GitHub said at or after it. */
  readAt: number;
  /** The repository's resources of the read's kinds: kind, name and spec (the target is the reader's). */
  resources: Array<{ kind: string; name: string; spec: Record<string, unknown> }>;
}

export interface LiveRecordStore {
  /** Every record of the org for one set of kinds (records of other kinds' reads are apart). */
  load(org: string, kinds: string): Promise<Map<string, LiveRecord>>;
  /**
   * Records to add or replace, and either the ids to drop (repositories no longer listed) or
   * `replace`: these are every record of the org now (a cold read).
   */
  save(org: string, kinds: string, records: readonly LiveRecord[], others: { dropped: readonly string[] } | { replace: true }): Promise<void>;
  /** Repositories (lower-cased names) that changed at or after `sinceMs`, with when they last did. */
  changedSince(org: string, sinceMs: number): Promise<Map<string, number>>;
  /** Converge is about to write to these repositories: their records no longer hold. */
  reposChanged(org: string, repos: readonly string[]): Promise<void>;
}

/** Whether a warm read may skip repositories, and for how long a record holds. */
export interface LiveReuse {
  /** A record older than this is read again, whatever else says: the backstop for events that never arrived. */
  maxAgeMs: number;
  /**
   * The events the installation is subscribed to. Labels and protection rules change no
   * repository stamp, so they are reused only when their events (`label`,
   * `branch_protection_rule`) reach the app and mark the repository.
   */
  events: ReadonlySet<string>;
}

/** The events that must flow for a kind's records to be reused, beside the repository's stamps. */
export const EVENTS_FOR_KIND: Readonly<Record<string, string>> = {
  'github.repository': 'repository',
  'github.label': 'label',
  'github.branch-protection': 'branch_protection_rule',
};

/**
 * Clock skew between the processes that stamp changes and the one that reads, and the second
 * GitHub rounds its stamps to: a change this close to a read counts as after it.
 */
export const SKEW_MS = 60_000;

/** What the REST listing says of a repository now. */
export interface ListedRepository {
  id: string;
  name: string;
  updatedAt: string | null;
  pushedAt: string | null;
  /** The listing's own JSON: every repository setting but the merge ones, fresh on every run. */
  rest: RestRepository;
}

/**
 * A record stands in for reading its repository when all of these hold:
 * - it was made by a read of the same kinds (the store keeps each set of kinds apart);
 * - the repository is listed under the same name, with the same `updated_at` and `pushed_at`
 *   (GitHub moves them when a setting changes or a branch is pushed);
 * - neither stamp is within `SKEW_MS` of the read (a change in the same second would keep it);
 * - no event named the repository, and Converge did not write to it, since `SKEW_MS` before the read;
 * - it is younger than `maxAgeMs`.
 */
export function reusable(record: LiveRecord | undefined, listed: ListedRepository, changedAt: number | undefined, now: number, maxAgeMs: number): record is LiveRecord {
  if (!record) return false;
  if (record.name !== listed.name || record.updatedAt !== listed.updatedAt || record.pushedAt !== listed.pushedAt) return false;
  if (now - record.readAt >= maxAgeMs) return false;
  if ([record.updatedAt, record.pushedAt].some((stamp) => stamp !== null && !(Date.parse(stamp) < record.readAt - SKEW_MS))) return false;
  return changedAt === undefined || changedAt < record.readAt - SKEW_MS;
}

/** The repository a resource of a recorded kind belongs to: the name itself, or its first segment. */
export function recordedRepository(kind: string, name: string): string | undefined {
  if (!(kind in EVENTS_FOR_KIND)) return undefined;
  if (kind === 'github.repository') return name;
  const slash = name.indexOf('/');
  return slash > 0 ? name.slice(0, slash) : undefined;
}
