/**
 * Part 5: jobs per second through the converge queue with 1 and 4 worker instances (each as
 * `startWorkers` builds it, at CONVERGE_WORKER_CONCURRENCY, on its own Redis connection, as
 * separate processes would be). The processor is a no-op: jobs are `full-run` jobs, which the
 * converge worker hands to the pluggable `fullRun` function, so each job still goes through
 * BullMQ, the per-config-repo Redis lock and the error classification, and nothing else.
 * Jobs are enqueued first (one config repo each, so none collapse), then drained and timed.
 */
import { pino } from 'pino';
import { createRegistry } from '../../src/providers/index.js';
import { createRedis, type RedisConnection } from '../../src/queue/connection.js';
import type { FullRunJob } from '../../src/queue/jobs.js';
import { Queues } from '../../src/queue/queues.js';
import { readEnv } from '../../src/env/app-env.js';
import type { WorkerContext } from '../../src/worker/context.js';
import { startWorkers, type RunningWorkers } from '../../src/worker/index.js';
import { runPart } from '../support/child.js';
import { CONFIG_REPO } from '../support/model.js';
import { benchPrefix, deleteKeys, REDIS_URL } from '../support/redis.js';
import { fmt, type BenchSize, type PartResult, type Row } from '../support/rows.js';

const env = readEnv({});

const context: WorkerContext = {
  auth: async () => {
    throw new Error('the queue benchmark never calls GitHub');
  },
  registry: createRegistry(),
  env,
  processEnv: {},
  log: pino({ level: 'silent' }),
};

async function connect(role: 'worker' | 'producer'): Promise<RedisConnection> {
  const redis = createRedis({ url: REDIS_URL, cluster: false, role });
  await redis.connect();
  return redis;
}

async function drain(workerCount: number, jobs: number): Promise<{ perSecond: number; enqueuePerSecond: number; ms: number }> {
  const prefix = benchPrefix();
  const producer = await connect('producer');
  const queues = new Queues(producer, prefix);
  const connections: RedisConnection[] = [];
  const running: RunningWorkers[] = [];
  try {
    const enqueueStarted = performance.now();
    const all: FullRunJob[] = Array.from({ length: jobs }, (_, i) => ({ installationId: 1, owner: `org-${i}`, repo: CONFIG_REPO, reason: 'schedule' }));
    for (let i = 0; i < all.length; i += 100) await Promise.all(all.slice(i, i + 100).map((job) => queues.enqueueFullRun(job)));
    const enqueueMs = performance.now() - enqueueStarted;

    let completed = 0;
    let failed = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const started = performance.now();
    for (let w = 0; w < workerCount; w++) {
      const connection = await connect('worker');
      connections.push(connection);
      const workers = startWorkers(context, { connection, prefix, concurrency: env.CONVERGE_WORKER_CONCURRENCY, fullRun: async () => undefined });
      workers.converge.on('completed', () => {
        if (++completed + failed === jobs) finish();
      });
      workers.converge.on('failed', () => {
        if (completed + ++failed === jobs) finish();
      });
      running.push(workers);
    }
    await finished;
    const ms = performance.now() - started;
    if (failed > 0) throw new Error(`${failed} of ${jobs} no-op jobs failed`);
    return { perSecond: (jobs / ms) * 1000, enqueuePerSecond: (jobs / enqueueMs) * 1000, ms };
  } finally {
    await Promise.all(running.map((r) => r.close()));
    await queues.close();
    for (const connection of [producer, ...connections]) connection.disconnect();
    await deleteKeys(prefix);
  }
}

runPart(async (size: BenchSize): Promise<PartResult> => {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const workers of [1, 4]) {
    const result = await drain(workers, size.queueJobs);
    rows.push({
      id: `queue.workers-${workers}`,
      section: '5. Queue throughput',
      measure: `Converge queue, no-op processor: ${workers} worker${workers > 1 ? 's' : ''} × concurrency ${env.CONVERGE_WORKER_CONCURRENCY}`,
      value: Math.round(result.perSecond),
      unit: 'jobs/s',
      display: `${fmt.int(result.perSecond)} jobs/s (${fmt.int(size.queueJobs)} jobs in ${fmt.ms(result.ms)}; enqueued at ${fmt.int(result.enqueuePerSecond)} jobs/s)`,
      target: '—',
      status: 'info',
    });
  }
  notes.push(`Queue: one Node process, ${(await import('node:os')).cpus().length} CPUs shared with Redis; "workers" are startWorkers instances on their own connections.`);
  return { rows, notes };
});
