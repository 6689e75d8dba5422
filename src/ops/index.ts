export { createOpsHandler, redisReady, startOpsServer, OPS_PATHS, type OpsOptions, type OpsServer, type Readiness } from './health.js';
export {
  changesTotal,
  countChanges,
  driftItems,
  jobDuration,
  jobsTotal,
  metricsContentType,
  metricsText,
  queueJobs,
  rateLimitRemaining,
  registry,
  watchQueues,
  webhookDeliveries,
  type JobOutcome,
  type JobType,
  type WebhookOutcome,
} from './metrics.js';
export { observeRateLimits } from './rate-limits.js';
