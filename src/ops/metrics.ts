import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChangeResult } from '../core/plan-types.js';

/**
 * Converge's Prometheus metrics. One registry per process (not prom-client's global one), so
 * tests read exactly what a scrape would see. Web and worker roles share it when they run in
 * one process (`npm start`).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export type JobType = 'plan' | 'approvals' | 'converge' | 'full-run' | 'onboard' | 'drift' | 'adopt';
/** `retried` and `delayed` jobs run again later; `failed` ones are done for good. */
export type JobOutcome = 'completed' | 'failed' | 'retried' | 'delayed';

export const jobsTotal = new Counter({
  name: 'converge_jobs_total',
  help: 'Jobs processed, by type and outcome.',
  labelNames: ['type', 'outcome'] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'converge_job_duration_seconds',
  help: 'Time a job took in the worker, by type and outcome.',
  labelNames: ['type', 'outcome'] as const,
  // From a plan of one file (well under a second) to a full run of thousands of repositories.
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [registry],
});

export const changesTotal = new Counter({
  name: 'converge_changes_total',
  help: 'Changes the workers applied, failed to apply, or did not apply because policy blocked them, by kind.',
  labelNames: ['outcome', 'kind'] as const,
  registers: [registry],
});

export const driftItems = new Gauge({
  name: 'converge_drift_items',
  help: 'Drifted, extraneous or unreadable resources left after the latest full run of a config repo.',
  labelNames: ['repo'] as const,
  registers: [registry],
});

export const rateLimitRemaining = new Gauge({
  name: 'converge_github_rate_limit_remaining',
  help: 'Requests left in the GitHub rate-limit window, as of the latest response, by resource (core = REST, graphql) and installation.',
  labelNames: ['resource', 'installation'] as const,
  registers: [registry],
});

export type WebhookOutcome = 'enqueued' | 'ignored' | 'rejected';

export const webhookDeliveries = new Counter({
  name: 'converge_webhook_deliveries_total',
  help: 'Webhook deliveries by event and outcome (enqueued, ignored, rejected).',
  labelNames: ['event', 'outcome'] as const,
  registers: [registry],
});

const watched = new Set<Queue>();
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** A scrape never waits on an unreachable Redis for longer than this. */
const QUEUE_COUNT_TIMEOUT_MS = 2000;

export const queueJobs = new Gauge({
  name: 'converge_queue_jobs',
  help: 'Jobs in each queue by state, read from Redis at scrape time.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    // Counts come from Redis on every scrape: a queue whose counts cannot be read shows no
    // series rather than a stale number.
    this.reset();
    await Promise.all(
      [...watched].map(async (queue) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const counts = await Promise.race([
            queue.getJobCounts(...QUEUE_STATES),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('timeout')), QUEUE_COUNT_TIMEOUT_MS);
            }),
          ]);
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        } catch {
          // Readiness reports Redis; the metric just goes missing for this scrape.
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  },
});

/** Report these queues' depths on every scrape. Returns a function that stops watching them. */
export function watchQueues(queues: Queue[]): () => void {
  for (const queue of queues) watched.add(queue);
  return () => {
    for (const queue of queues) watched.delete(queue);
  };
}

/** Count what apply did: applied, failed, and skipped because policy blocked the change. */
export function countChanges(results: readonly ChangeResult[]): void {
  for (const result of results) {
    const outcome = result.status === 'skipped' ? (result.change.blocked !== undefined ? 'blocked' : undefined) : result.status;
    if (outcome) changesTotal.inc({ outcome, kind: result.change.kind });
  }
}

export const metricsContentType = registry.contentType;

/** The Prometheus text exposition of every metric in this process. */
export function metricsText(): Promise<string> {
  return registry.metrics();
}
