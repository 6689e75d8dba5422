import { createProbot, run } from 'probot';
import { convergeApp } from '../app/index.js';
import { RedisWritePacer } from '../providers/github/index.js';
import { createRegistry } from '../providers/index.js';
import { connectRedis } from '../queue/connection.js';
import { Queues } from '../queue/queues.js';
import { syncSchedule } from '../queue/schedules.js';
import { readEnv } from '../settings/env.js';
import { catchUpOnStart } from '../worker/catch-up.js';
import { startWorkers } from '../worker/index.js';
import { processFullRunJob } from '../worker/full-run-job.js';

type Role = 'all' | 'web' | 'worker';

/**
 * `web` serves webhooks (Probot), `worker` runs jobs, `all` (the default) does both in one
 * process. Without app credentials, `web` and `all` start Probot's registration flow from
 * app.yml instead of failing.
 */
async function main(role: Role): Promise<void> {
  const env = readEnv();
  const registered = Boolean(process.env.APP_ID && (process.env.PRIVATE_KEY || process.env.PRIVATE_KEY_PATH));
  if (!registered) {
    if (role === 'worker') throw new Error('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required to run a worker. Register the app first: run `npm start` and follow the setup page.');
    // Probot's setup mode: serves the manifest flow from app.yml and writes .env.
    await run(() => undefined);
    return;
  }

  const redisSettings = { url: env.REDIS_URL, cluster: env.REDIS_CLUSTER === 'true' };
  const stops: Array<() => Promise<void>> = [];

  if (role !== 'web') {
    const redis = await connectRedis({ ...redisSettings, role: 'worker' });
    stops.push(async () => redis.disconnect());
    const producer = new Queues(redis, env.CONVERGE_QUEUE_PREFIX);
    stops.push(() => producer.close());
    const probot = createProbot();
    const registry = createRegistry();
    const workers = startWorkers(
      {
        auth: (installationId) => probot.auth(installationId),
        registry,
        env,
        processEnv: process.env,
        log: probot.log.child({ name: 'worker' }),
        onSettings: (job, settings) => syncSchedule(producer.converge, job, settings),
        // Write spacing per org holds across every worker process.
        githubShared: { pacer: new RedisWritePacer(redis) },
      },
      { connection: redis, prefix: env.CONVERGE_QUEUE_PREFIX, concurrency: env.CONVERGE_WORKER_CONCURRENCY, fullRun: processFullRunJob },
    );
    stops.push(() => workers.close());
    probot.log.info({ role }, 'workers started');
    await catchUpOnStart(await probot.auth(), producer, env.CONVERGE_CONFIG_REPO, probot.log).catch((error: unknown) =>
      probot.log.warn({ err: error }, 'catch-up on start failed; the next push converges instead'),
    );
  }

  if (role !== 'worker') {
    const redis = await connectRedis({ ...redisSettings, role: 'producer' });
    const queues = new Queues(redis, env.CONVERGE_QUEUE_PREFIX);
    const server = await run(convergeApp({ queues, env }));
    stops.push(async () => {
      await server.stop();
      await queues.close();
      redis.disconnect();
    });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`${signal}: finishing active jobs, then exiting`);
    // Last started, first stopped: workers finish before their Redis connection closes.
    for (const s of stops.reverse()) await s();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

const role = (process.argv[2] ?? 'all') as Role;
if (!['all', 'web', 'worker'].includes(role)) {
  console.error(`Unknown role "${role}": use web, worker or all.`);
  process.exit(2);
}
main(role).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
