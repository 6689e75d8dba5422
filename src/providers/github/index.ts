import { ConfigurationError } from '../../core/errors.js';
import type { Provider } from '../../core/provider.js';
import type { ProviderDeps } from '../deps.js';
import { branchProtectionKind } from './branch-protection/index.js';
import { bulkReadersOf } from './bulk-readers.js';
import { collaboratorKind } from './collaborator/index.js';
import { environmentKind } from './environment/index.js';
import type { BulkReader, GitHubKind } from './kind.js';
import { labelKind } from './label/index.js';
import { memberKind } from './member/index.js';
import { orgRulesetKind } from './org-ruleset/index.js';
import { orgVariableKind } from './org-variable/index.js';
import { InProcessWritePacer, type WritePacer } from './pacer.js';
import { repositoryKind } from './repository/index.js';
import { rulesetKind } from './ruleset/index.js';
import { footprintOf, type Host } from './footprint.js';
import { GitHubSession } from './session.js';
import { GitHubSettings } from './settings.js';
import { GitHubApi } from './shared/api.js';
import { LruEtagCache, type EtagCache } from './shared/etag-cache.js';
import { Lookups } from './shared/lookups.js';
import { teamRepositoryKind } from './team-repository/index.js';
import { teamKind } from './team/index.js';
import { variableKind } from './variable/index.js';

// Each kind folder's public face: its kind object and its spec schema (`Repository`, `Label`, ...).
export * from './branch-protection/index.js';
export * from './collaborator/index.js';
export * from './environment/index.js';
export * from './label/index.js';
export * from './member/index.js';
export * from './org-ruleset/index.js';
export * from './org-variable/index.js';
export * from './repository/index.js';
export * from './ruleset/index.js';
export * from './team/index.js';
export * from './team-repository/index.js';
export * from './variable/index.js';

export type { GitHubDeps } from './deps.js';
export type { BulkRead, BulkReader, ConfigProblem, GitHubContext, GitHubKind } from './kind.js';
export { InProcessWritePacer, paceKey, type WritePacer } from './pacer.js';
export { RedisWritePacer } from './redis-pacer.js';
export { GitHubSettings } from './settings.js';
export { statusOf, toGitHubError } from './shared/errors.js';
export { LruEtagCache, type CachedResponse, type EtagCache } from './shared/etag-cache.js';
export type { LiveRecord, LiveRecordStore, LiveReuse } from './shared/live-records.js';
export type { Reference } from './shared/references.js';

/**
 * Every kind, in dependency order: creates run in this order, deletes in reverse. Adding a
 * kind is adding its object here (see CONTRIBUTING.md); everything else is derived from it.
 */
export const githubKinds: readonly GitHubKind<any>[] = [
  repositoryKind,
  labelKind,
  memberKind,
  teamKind,
  teamRepositoryKind,
  collaboratorKind,
  branchProtectionKind,
  rulesetKind,
  orgRulesetKind,
  environmentKind,
  variableKind,
  orgVariableKind,
];

/** Converge's own footprint in the github targets of a repo config (see footprint.ts). */
export function githubFootprint(targets: ReadonlyMap<string, unknown> | undefined, host: Host): string[] {
  return footprintOf(githubKinds, targets, host);
}

/** The full-run reads, one per bulk read the kinds name (shared ones once, for all their kinds). */
export const githubBulkReaders: readonly BulkReader[] = bulkReadersOf(githubKinds);

export interface GitHubProviderOptions {
  /** Shared by every session of this provider unless deps bring their own. Default: in-memory LRU. */
  cache?: EtagCache;
  /** Default: in-process pacing; pass a RedisWritePacer (or deps.github.pacer) to share it. */
  pacer?: WritePacer;
}

export function createGitHubProvider(options: GitHubProviderOptions = {}): Provider<GitHubSettings, ProviderDeps> {
  const cache = options.cache ?? new LruEtagCache();
  const pacer = options.pacer ?? new InProcessWritePacer();
  return {
    name: 'github',
    kinds: [...githubKinds],
    targetSettings: GitHubSettings,
    async connect(target, deps) {
      const github = deps.github;
      if (!github) throw new ConfigurationError('the github provider needs a GitHub App installation client, and none was given.');
      const settings = GitHubSettings.parse(target.settings ?? {});
      const org = settings.org ?? github.owner;
      const api = new GitHubApi({
        client: github.client,
        org,
        cache: github.etagCache ?? cache,
        pacer: github.pacer ?? pacer,
        writeSpacingMs: settings.writeSpacingMs ?? github.writeSpacingMs ?? 0,
      });
      const log = deps.log.child({ provider: 'github', org, target: target.name });
      return new GitHubSession(
        {
          api,
          org,
          target: target.name,
          log,
          readConcurrency: settings.readConcurrency,
          repositoryIds: new Map(),
          lookups: new Lookups(api),
          inFlight: new Map(),
          ...(github.liveRecords ? { live: { store: github.liveRecords, ...(github.reuseLive ? { reuse: github.reuseLive } : {}) } } : {}),
        },
        githubKinds,
        githubBulkReaders,
      );
    },
  };
}

export const githubProvider = createGitHubProvider();
