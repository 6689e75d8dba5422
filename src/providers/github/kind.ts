import type { Logger } from 'pino';
import type { Change } from '../../core/plan-types.js';
import type { ReadAllResult, ReadResult, ResourceKind } from '../../core/provider.js';
import type { ResourceRef } from '../../core/resource.js';
import type { GitHubApi } from './api.js';
import type { Lookups } from './lookups.js';

/** What every kind's live operations get: the org, its API, and the session's memory. */
export interface GitHubContext {
  api: GitHubApi;
  org: string;
  /** The provider target name, stamped on every ActualResource. */
  target: string;
  log: Logger;
  /** Targeted reads in flight at once. */
  readConcurrency: number;
  /** GraphQL node ids of repositories seen during this session, by lower-cased name. */
  repositoryIds: Map<string, string>;
  /** Users, teams, apps and repositories by name → ids, remembered for the session. */
  lookups: Lookups;
  /** The org's repository names, once a bulk read has listed them (full runs). */
  repositoryNames?: string[];
  /**
   * Writes in progress in this session by key (`team:<slug>`), so a change can wait for one
   * it depends on within the same step (a team created together with its parent).
   */
  inFlight: Map<string, Promise<unknown>>;
}

/**
 * A kind of the github provider: the schema half the core sees (ResourceKind) plus how to
 * read and write it. Adding a kind means adding one of these (and a bulk reader that yields
 * it) to the lists in `index.ts`.
 */
export interface GitHubKind<Spec extends Record<string, unknown> = Record<string, unknown>> extends ResourceKind<Spec> {
  /** Targeted reads: every ref of this kind at once, so the kind can batch (one list per parent). */
  read(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]>;
  /** One change, idempotent. Throws whatever the API threw; the session maps it. */
  apply(change: Change, ctx: GitHubContext): Promise<void>;
}

/** Bulk reads for full runs. One reader may yield several kinds from the same queries. */
export interface BulkReader {
  kinds: readonly string[];
  /** Read every live resource of the requested kinds (a subset of `kinds`). */
  readAll(kinds: ReadonlySet<string>, ctx: GitHubContext): Promise<ReadAllResult>;
}
