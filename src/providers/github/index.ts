import { ConfigurationError } from '../../core/errors.js';
import type { Provider } from '../../core/provider.js';
import type { ProviderDeps } from '../deps.js';
import { GitHubApi } from './api.js';
import { branchProtectionKind } from './branch-protection/index.js';
import { repositoriesAndLabels } from './bulk-repositories.js';
import { teamsAndGrants } from './bulk-teams.js';
import { collaboratorKind, repositoryCollaborators } from './collaborator/index.js';
import { environmentKind, repositoryEnvironments } from './environment/index.js';
import { LruEtagCache, type EtagCache } from './etag-cache.js';
import type { BulkReader, GitHubKind } from './kind.js';
import { labelKind } from './label/index.js';
import { Lookups } from './lookups.js';
import { memberKind, members } from './member/index.js';
import { orgRulesetKind } from './org-ruleset/index.js';
import { orgVariableKind, orgVariables } from './org-variable/index.js';
import { InProcessWritePacer, type WritePacer } from './pacer.js';
import { repositoryKind } from './repository/index.js';
import { orgRulesets, rulesetKind, rulesetsOfRepositories } from './ruleset/index.js';
import { GitHubSession } from './session.js';
import { GitHubSettings } from './settings.js';
import { teamRepositoryKind } from './team-repository/index.js';
import { teamKind } from './team/index.js';
import { repositoryVariables, variableKind } from './variable/index.js';

export { BranchProtection } from './branch-protection/index.js';
export { Collaborator } from './collaborator/index.js';
export { Environment } from './environment/index.js';
export { Label } from './label/index.js';
export { Member } from './member/index.js';
export { OrgRuleset } from './org-ruleset/index.js';
export { OrgVariable } from './org-variable/index.js';
export { Repository } from './repository/index.js';
export { Ruleset } from './ruleset/index.js';
export { Team } from './team/index.js';
export { TeamRepository } from './team-repository/index.js';
export { Variable } from './variable/index.js';
export { GitHubSettings } from './settings.js';
export { LruEtagCache, type CachedResponse, type EtagCache } from './etag-cache.js';
export { InProcessWritePacer, paceKey, type WritePacer } from './pacer.js';
export { RedisWritePacer } from './redis-pacer.js';
export type { BulkReader, GitHubContext, GitHubKind } from './kind.js';

/** Kinds in dependency order: creates run in this order, deletes in reverse. */
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

/**
 * Every kind must be yielded by one of these for full runs. The GraphQL repositories reader
 * comes first: it also lists the repository names the per-repository REST readers use.
 */
export const githubBulkReaders: readonly BulkReader[] = [
  repositoriesAndLabels,
  teamsAndGrants,
  members,
  repositoryCollaborators,
  rulesetsOfRepositories,
  orgRulesets,
  repositoryEnvironments,
  repositoryVariables,
  orgVariables,
];

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
        writeSpacingMs: settings.writeSpacingMs ?? github.writeSpacingMs ?? 1_000,
      });
      const log = deps.log.child({ provider: 'github', org, target: target.name });
      return new GitHubSession(
        { api, org, target: target.name, log, readConcurrency: settings.readConcurrency, repositoryIds: new Map(), lookups: new Lookups(api), inFlight: new Map() },
        githubKinds,
        githubBulkReaders,
      );
    },
  };
}

export const githubProvider = createGitHubProvider();
