import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { configReposProblem } from './config-repos.js';

/**
 * The app's process environment: what one process reads at start, as opposed to a config
 * repo's converge.yml or a target's settings in it. Probot's variables (APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, GHE_HOST, REDIS_URL, ...) are read by Probot itself; these are only the
 * ones Probot has no equivalent for. Every one is documented in .env.example.
 */
export const AppEnv = z.object({
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** `true` connects to a Redis Cluster (REDIS_URL names one node). */
  REDIS_CLUSTER: z.enum(['true', 'false']).default('false'),
  /**
   * The config repos within each org the app is installed in: a comma-separated list of names
   * and glob patterns (`converge-config,converge-db`, `converge-*`); see config-repos.ts.
   */
  CONVERGE_CONFIG_REPO: z.string()
    .default('converge-config')
    .superRefine((value, ctx) => {
      const problem = configReposProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** Queue key prefix; the braces make it a Redis Cluster hash tag. */
  CONVERGE_QUEUE_PREFIX: z.string().min(1).default('{converge}'),
  /** Jobs one worker process runs at once (across config repos). */
  CONVERGE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Changes applied at once per provider target. */
  CONVERGE_APPLY_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  /**
   * Extra minimum milliseconds between any two GitHub writes per org, on top of the budgets
   * from GitHub's secondary limits (which always apply). Non-zero serialises the org's writes.
   */
  CONVERGE_WRITE_SPACING_MS: z.coerce.number().int().min(0).default(0),
  /** Check run names. */
  CONVERGE_PLAN_CHECK_NAME: z.string().min(1).default('Converge plan'),
  CONVERGE_APPLY_CHECK_NAME: z.string().min(1).default('Converge apply'),
  CONVERGE_FULL_RUN_CHECK_NAME: z.string().min(1).default('Converge full run'),
  /** How long a job stays locked to a worker without renewal: a killed worker's job is re-run by another after this. */
  CONVERGE_JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Worker processes serve /healthz, /readyz and /metrics here (web processes on PORT). 0 picks a free port. */
  CONVERGE_WORKER_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
  CONVERGE_WORKER_OPS_HOST: z.string().min(1).default('0.0.0.0'),
  /** How long a drift job waits after the first event of a burst, so the burst's events make one job. */
  CONVERGE_DRIFT_DEBOUNCE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** Reverts of one resource by events within an hour past which the drift job only reports it. */
  CONVERGE_DRIFT_MAX_REVERTS_PER_HOUR: z.coerce.number().int().min(0).max(1000).default(5),
  /**
   * How long what a full run read of a repository stands in for reading it again, when nothing
   * says it changed (warm full runs). Past it the repository is read again. 0: every full run reads everything.
   */
  CONVERGE_FULL_RUN_REUSE_HOURS: z.coerce.number().int().min(0).max(720).default(168),
  /**
   * `true`: on start the web process asks GitHub to redeliver the webhook deliveries that failed
   * since the last start (GitHub keeps 3 days of them and retries none by itself).
   */
  CONVERGE_REDELIVER_ON_START: z.enum(['true', 'false']).default('true'),
});
export type AppEnv = z.infer<typeof AppEnv>;

export function readEnv(env: Readonly<Record<string, string | undefined>> = process.env): AppEnv {
  const result = AppEnv.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigurationError(`Invalid environment: ${problems}`);
  }
  return result.data;
}
