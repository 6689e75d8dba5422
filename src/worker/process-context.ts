import type { Logger } from 'pino';
import type { AppEnv } from '../env/app-env.js';
import type { Registry } from '../core/registry.js';
import { installationEvents } from '../github-app/installations.js';
import type { GitHubClient } from '../github-app/client.js';
import type { ProviderDeps } from '../providers/deps.js';
import { RedisWritePacer } from '../providers/github/index.js';
import type { RedisConnection } from '../queue/connection.js';
import { FullRunRecord } from '../queue/full-run-record.js';
import { RedisLiveRecords } from '../queue/live-records.js';
import { RedisProgressStore } from '../queue/progress-store.js';
import type { Queues } from '../queue/queues.js';
import { syncSchedule } from '../queue/schedules.js';
import { RedisSnapshotCache } from '../queue/snapshot-cache.js';
import type { WorkerContext } from './context.js';
import { ModelCache } from './model-cache.js';

export interface ProcessContextOptions {
  /** An installation's client, and (without an id) the app's own. */
  auth(installationId?: number): Promise<GitHubClient>;
  appId: number;
  registry: Registry<ProviderDeps>;
  env: AppEnv;
  processEnv: Readonly<Record<string, string | undefined>>;
  log: Logger;
  redis: RedisConnection;
  /** Where jobs enqueue follow-up jobs, and the org activity the web processes record. */
  producer: Queues;
}

/**
 * A worker process's context as `npm start` and `start:worker` build it (and the benchmark, so
 * it measures the shipped configuration): everything shared across processes lives in Redis
 * under the queue prefix.
 */
export function processWorkerContext(options: ProcessContextOptions): WorkerContext {
  const { redis, env, producer, log } = options;
  const prefix = env.CONVERGE_QUEUE_PREFIX;
  return {
    auth: (installationId) => options.auth(installationId),
    registry: options.registry,
    env,
    processEnv: options.processEnv,
    log,
    onRepoConfig: (job, config) => syncSchedule(producer.converge, job, config),
    // Progress counts only this app's own apply check runs; without any, a full run catches up.
    appId: options.appId,
    enqueueFullRun: (job) => producer.enqueueFullRun(job),
    enqueueOnboarding: (job) => producer.enqueueOnboarding(job),
    // Write spacing per org holds across every worker process, and so does what full runs
    // read of each repository, so that a warm one skips those that did not change.
    githubShared: { pacer: new RedisWritePacer(redis), liveRecords: new RedisLiveRecords(redis, prefix) },
    installationEvents: installationEvents(() => options.auth(), 10 * 60_000, (error) => log.warn({ err: error }, "could not read the installation's events: full runs read everything")),
    // Shared too: a snapshot one worker fetched, and where the last convergence got to.
    snapshots: new RedisSnapshotCache(redis, { prefix }),
    progress: new RedisProgressStore(redis, prefix),
    // While the org's events flow, scheduled full runs on the default cron run less often.
    activity: producer.activity,
    fullRuns: new FullRunRecord(redis, prefix),
    knownConfigRepos: producer.configRepos,
    models: new ModelCache(options.registry),
  };
}
