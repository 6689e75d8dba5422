import type { Logger } from 'pino';
import type { Change } from '../../core/plan-types.js';
import type { ReadAllResult, ReadResult, ResourceKind } from '../../core/provider.js';
import type { DesiredResource, ResourceRef } from '../../core/resource.js';
import type { GitHubApi } from './shared/api.js';
import type { LiveRecordStore, LiveReuse } from './shared/live-records.js';
import type { Lookups } from './shared/lookups.js';
import type { Reference } from './shared/references.js';

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
  /** What bulk reads saw, per repository, and when a warm read may reuse it (live-records.ts). */
  live?: { store: LiveRecordStore; reuse?: LiveReuse };
}

/**
 * How full runs read live resources. One bulk read may yield several kinds from the same
 * queries (the repositories GraphQL query yields repositories, labels and protection rules):
 * each of those kinds names the same BulkRead as its `bulkRead`, and the provider runs it once
 * for all of them (bulk-readers.ts).
 */
export interface BulkRead {
  /** Every live resource of the requested kinds: those of its kinds the full run asked for. */
  readAll(kinds: ReadonlySet<string>, ctx: GitHubContext): Promise<ReadAllResult>;
  /**
   * From how many selected resources of one kind this read costs fewer requests than reading
   * them one by one, so plans of large selections (a first convergence, a defaults change) use
   * it too. Unset: only full runs use it (a per-repository listing is never cheaper).
   */
  paysFrom?: number;
}

/** A bulk read with the kinds it yields, as the session runs it. Derived from the kinds list. */
export interface BulkReader extends BulkRead {
  kinds: readonly string[];
}

export type { ConfigProblem } from '../../core/provider.js';

/**
 * A kind of the github provider, all in one object: the schema half the core sees
 * (ResourceKind), how to read it (targeted and in bulk), how to write it, and what it names.
 * Optional members are capabilities a kind may lack. Each kind folder's `index.ts` exports one
 * of these; `githubKinds` in `index.ts` lists them.
 */
export interface GitHubKind<Spec extends Record<string, unknown> = Record<string, unknown>> extends ResourceKind<Spec> {
  /** Targeted reads: every ref of this kind at once, so the kind can batch (one list per parent). */
  read(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]>;
  /** One change, idempotent. Throws whatever the API threw; the session maps it. */
  apply(change: Change, ctx: GitHubContext): Promise<void>;
  /** The full-run read that yields this kind: its own, or one it shares with other kinds. */
  bulkRead: BulkRead;
  /** The teams, users and apps a desired resource names: each must exist before planning. */
  references?(resource: DesiredResource): Reference[];
  /**
   * Resources of this kind are what references of this type name (teams): one declared in the
   * same change satisfies references to it, though it does not exist yet.
   */
  referencedAs?: Reference['type'];
  /**
   * Names of this kind that belong to the config repo itself, as a glob (`<repo>/**` for a
   * repository's children): Converge's own footprint, never extraneous, pruned or drift.
   * Kinds that cannot touch the config repo (org members, org variables) leave it out.
   */
  footprint?(configRepo: string): string;
}
