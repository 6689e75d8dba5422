import type { Logger } from 'pino';
import type { RepoConfig } from '../config/schema.js';
import type { Registry } from '../core/registry.js';
import type { FullRunJob, OnboardJob, RepoJob } from '../queue/jobs.js';
import type { FullRunRecord } from '../queue/full-run-record.js';
import type { OrgActivity } from '../queue/org-activity.js';
import type { GitHubClient } from '../github-app/client.js';
import type { ProgressStore, SnapshotCache } from '../github-app/index.js';
import type { ProviderDeps } from '../providers/deps.js';
import type { AppEnv } from '../env/app-env.js';
import { observeRateLimits } from '../ops/rate-limits.js';
import type { KnownConfigRepos } from '../queue/known-config-repos.js';
import type { ModelCache } from './model-cache.js';
import { loadModel, type ConfigFiles, type Model } from '../config/load.js';
import type { RepoRef } from '../github-app/client.js';

/** Everything a job processor needs from its process; built once per worker process. */
export interface WorkerContext {
  /** An Octokit authenticated as the installation (honours GHE_HOST / GHE_PROTOCOL). */
  auth(installationId: number): Promise<GitHubClient>;
  registry: Registry<ProviderDeps>;
  env: AppEnv;
  /** The process environment providers read secrets and connection strings from. */
  processEnv: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** Called with each config repo's settings after a convergence loads them (schedules). */
  onRepoConfig?(job: RepoJob, config: RepoConfig): Promise<void>;
  /** Shared across the process (and, through Redis, across processes): write pacing, ETag bodies. */
  githubShared?: Pick<NonNullable<ProviderDeps['github']>, 'pacer' | 'etagCache' | 'liveRecords'>;
  /** Config repo snapshots by tree, shared across processes through Redis; none: every snapshot is fetched. */
  snapshots?: SnapshotCache;
  /** Models loaded by this process, by tree; none: every job loads its models. */
  models?: ModelCache;
  /** The last converged commit per config repo, as a hint; none: it is looked for in the history each time. */
  progress?: ProgressStore;
  /** When each org's last event arrived; none (or no `fullRuns`): no scheduled full run is skipped. */
  activity?: Pick<OrgActivity, 'lastEventAt'>;
  /** The last finished full run per config repo, which scheduled runs read while events flow. */
  fullRuns?: Pick<FullRunRecord, 'finished' | 'lastFinishedAt'>;
  /** The app's id: only its own apply check runs count as progress. Default: APP_ID from processEnv. */
  appId?: number;
  /**
   * The events an installation is subscribed to, as GitHub says (app-authenticated); undefined
   * when unknown. A warm full run trusts what it recorded only for kinds whose events arrive.
   */
  installationEvents?(installationId: number): Promise<ReadonlySet<string> | undefined>;
  /** Records the config repos a pattern matched when a job lists them, for the drift handler. */
  knownConfigRepos?: Pick<KnownConfigRepos, 'remember'>;
  /** Enqueue a full run (a convergence that found no converged commit asks for one to prune). */
  enqueueFullRun?(job: FullRunJob): Promise<void>;
  /** Enqueue the onboarding check (a convergence that found the config repo empty asks for one). */
  enqueueOnboarding?(job: OnboardJob): Promise<void>;
}

export function providerDeps(context: WorkerContext, client: GitHubClient, owner: string, log: Logger, github: Partial<NonNullable<ProviderDeps['github']>> = {}): ProviderDeps {
  return {
    github: { writeSpacingMs: context.env.CONVERGE_WRITE_SPACING_MS, ...context.githubShared, ...github, client, owner },
    env: context.processEnv,
    log,
  };
}

/** The model of a snapshot: from the process's cache when the context has one and the tree is known. */
export function modelOf(context: WorkerContext, ref: RepoRef, tree: string | undefined, files: ConfigFiles): Model {
  return context.models ? context.models.load(ref, tree, files) : loadModel(files, context.registry);
}

/** The same context, with every installation client it hands out feeding the rate-limit metrics. */
export function withRateLimitMetrics(context: WorkerContext): WorkerContext {
  return { ...context, auth: async (installationId) => observeRateLimits(await context.auth(installationId), { installation: installationId }) };
}
