import type { Logger } from 'pino';
import { run } from 'probot';
import { convergeApp } from '../app/index.js';
import { ConfigurationError } from '../core/errors.js';
import { createAppProbot, createLogger, flushLogs, isRegistered, readProbotSettings, verifyAppCredentials } from '../github-app/probot.js';
import { redeliverSinceCheckpoint } from '../github-app/redeliver.js';
import { createRegistry } from '../providers/index.js';
import { connectRedis } from '../queue/connection.js';
import { DeliveryCheckpoint } from '../queue/delivery-checkpoint.js';
import { Queues } from '../queue/queues.js';
import { readEnv } from '../env/app-env.js';
import { startWebServer } from '../web/server.js';
import { createOpsHandler, redisReady, startOpsServer, watchQueues, webhookDeliveries } from '../ops/index.js';
import { catchUpOnStart } from '../worker/catch-up.js';
import { processFullRunJob } from '../worker/full-run-job.js';
import { startWorkers } from '../worker/index.js';
import { processWorkerContext } from '../worker/process-context.js';

type Role = 'all' | 'web' | 'worker';
type Stop = () => Promise<void>;

/**
 * `web` serves webhooks, `worker` runs jobs, `all` (the default) does both in one process.
 * Without app credentials, `web` and `all` start Probot's registration flow from app.yml
 * instead of failing; a worker cannot do anything without them and says so.
 */
async function main(role: Role, log: Logger): Promise<Stop[]> {
  const env = readEnv();
  const settings = readProbotSettings();
  if (!isRegistered(settings)) {
    if (role === 'worker') {
      throw new ConfigurationError('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required to run a worker. Register the app first: run `npm start` and follow the setup page.');
    }
    // Probot's setup mode: serves the manifest flow from app.yml and writes .env.
    await run(() => undefined);
    return [];
  }
  if (role !== 'worker' && !settings.webhookSecret) {
    // Probot would fall back to the secret "development", which lets anyone forge webhooks.
    throw new ConfigurationError('WEBHOOK_SECRET is not set: the web process refuses to accept webhooks it cannot verify. Set it to the secret configured in the GitHub App.');
  }

  const redisSettings = { url: env.REDIS_URL, cluster: env.REDIS_CLUSTER === 'true' };
  const probot = createAppProbot(settings, log);
  const stops: Stop[] = [];
  // The app's slug tells the echo of its own writes apart (drift events); a web-only process asks GitHub once.
  let slug: Promise<string | undefined> | undefined;
  const appSlug = () =>
    (slug ??= verifyAppCredentials(probot, settings)
      .then((a) => a.slug)
      .catch((error: unknown) => {
        slug = undefined;
        log.warn({ err: error }, 'could not learn the app slug: its own changes are not told apart from others');
        return undefined;
      }));

  if (role !== 'web') {
    const app = await verifyAppCredentials(probot, settings);
    slug = Promise.resolve(app.slug);
    const redis = await connectRedis({ ...redisSettings, role: 'worker' });
    stops.push(async () => redis.disconnect());
    const producer = new Queues(redis, env.CONVERGE_QUEUE_PREFIX);
    stops.push(() => producer.close());
    const registry = createRegistry();
    const workers = startWorkers(
      processWorkerContext({
        auth: (installationId) => probot.auth(installationId),
        appId: settings.appId,
        registry,
        env,
        processEnv: process.env,
        log: log.child({ role: 'worker' }),
        redis,
        producer,
      }),
      {
        connection: redis,
        prefix: env.CONVERGE_QUEUE_PREFIX,
        concurrency: env.CONVERGE_WORKER_CONCURRENCY,
        lockDurationMs: env.CONVERGE_JOB_LOCK_MS,
        stalledIntervalMs: env.CONVERGE_JOB_LOCK_MS,
        repoLockTtlMs: env.CONVERGE_JOB_LOCK_MS,
        fullRun: processFullRunJob,
      },
    );
    stops.push(() => workers.close());
    const unwatch = watchQueues([producer.plan, producer.converge, producer.approvals]);
    const ops = await startOpsServer({ port: env.CONVERGE_WORKER_OPS_PORT, host: env.CONVERGE_WORKER_OPS_HOST, ready: async () => ({ redis: await redisReady(redis) }), log });
    stops.push(async () => {
      unwatch();
      await ops.close();
    });
    log.info({ role, app: app.slug, opsPort: ops.port }, 'workers started');
    await catchUpOnStart(await probot.auth(), producer, env.CONVERGE_CONFIG_REPO, log, (id) => probot.auth(id)).catch((error: unknown) =>
      log.warn({ err: error }, 'catch-up on start failed; the next push converges instead'),
    );
  }

  if (role !== 'worker') {
    const redis = await connectRedis({ ...redisSettings, role: 'producer' });
    const queues = new Queues(redis, env.CONVERGE_QUEUE_PREFIX);
    const webLog = log.child({ role: 'web' });
    await probot.load(
      convergeApp({
        queues,
        env,
        appSlug,
        onOutcome: (delivery, event, { outcome, reason }) => {
          webhookDeliveries.inc({ event, outcome });
          webLog.info({ delivery, event, outcome, reason }, `webhook ${outcome}`);
        },
      }),
    );
    if (role === 'web') watchQueues([queues.plan, queues.converge, queues.approvals]);
    const server = await startWebServer({
      probot,
      secret: settings.webhookSecret!,
      port: settings.port,
      host: settings.host,
      webhookPath: settings.webhookPath,
      log: webLog,
      onRejected: (event) => webhookDeliveries.inc({ event, outcome: 'rejected' }),
      handlers: [createOpsHandler({ ready: async () => ({ redis: await redisReady(redis) }) })],
    });
    if (env.CONVERGE_REDELIVER_ON_START === 'true') {
      // In the background, once webhooks can be received: GitHub's answers never hold up or stop start-up.
      void probot
        .auth()
        .then((app) => redeliverSinceCheckpoint(app, new DeliveryCheckpoint(redis, env.CONVERGE_QUEUE_PREFIX), { log: webLog }))
        .catch((error: unknown) => webLog.warn({ err: error }, 'could not redeliver failed webhook deliveries; events missed while down are left to the full run'));
    }
    stops.push(async () => {
      await server.close();
      await queues.close();
      redis.disconnect();
    });
  }
  return stops;
}

async function start(role: Role): Promise<void> {
  let log: Logger | undefined;
  try {
    log = await createLogger();
    const stops = await main(role, log);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log?.info({ signal }, 'stopping: finishing active jobs, then exiting');
      // Last started, first stopped: workers finish before their Redis connection closes.
      for (const s of stops.reverse()) await s();
      log?.info({ signal }, 'stopped');
      await flushLogs();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (log) log.fatal({ reason }, 'converge could not start');
    else console.error(reason);
    // Let the log line reach stdout before exiting.
    setTimeout(() => process.exit(1), 50);
  }
}

const role = (process.argv[2] ?? 'all') as Role;
if (!['all', 'web', 'worker'].includes(role)) {
  console.error(`Unknown role "${role}": use web, worker or all.`);
  process.exit(2);
}
void start(role);
