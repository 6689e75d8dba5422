import { ConfigurationError } from '../core/errors.js';
import { repositoryInstallation } from '../github-app/index.js';
import { createAppProbot, createLogger, isRegistered, readProbotSettings } from '../github-app/probot.js';
import { connectRedis } from '../queue/connection.js';
import { Queues } from '../queue/queues.js';
import { readEnv } from '../env/app-env.js';

/**
 * `npm run full-run -- owner/repo [--allow-deletions]`: enqueue a full reconciliation of a
 * config repo now. Needs the app's credentials (to find the installation) and Redis.
 */
async function main(args: string[]): Promise<void> {
  const target = args.find((a) => !a.startsWith('--'));
  const match = target?.match(/^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/);
  if (!match) throw new Error('Usage: npm run full-run -- <owner>/<config-repo> [--allow-deletions]');
  const [, owner, repo] = match as unknown as [string, string, string];
  const env = readEnv();
  const settings = readProbotSettings();
  if (!isRegistered(settings)) throw new ConfigurationError('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required to find the installation of the config repo.');
  const probot = createAppProbot(settings, await createLogger({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }));
  const app = await probot.auth();
  const installationId = await repositoryInstallation(app, { owner, repo }).catch((error: unknown) => {
    throw new ConfigurationError(`GitHub at ${settings.baseUrl} did not answer the installation lookup (${String((error as Error).message)}): check APP_ID, PRIVATE_KEY and GHE_HOST.`);
  });
  if (installationId === undefined) throw new ConfigurationError(`The app is not installed on ${owner}/${repo} (or the repository does not exist).`);
  const redis = await connectRedis({ url: env.REDIS_URL, cluster: env.REDIS_CLUSTER === 'true', role: 'producer' });
  const queues = new Queues(redis, env.CONVERGE_QUEUE_PREFIX);
  try {
    await queues.enqueueFullRun({
      installationId,
      owner,
      repo,
      reason: 'manual',
      ...(args.includes('--allow-deletions') ? { overrideMaxDeletions: true } : {}),
    });
    console.info(`Full run of ${owner}/${repo} enqueued; a worker will pick it up.`);
  } finally {
    await queues.close();
    redis.disconnect();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
