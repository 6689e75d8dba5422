import { ConfigurationError } from '../core/errors.js';
import { repositoryInstallation } from '../github-app/index.js';
import { createAppProbot, createLogger, isRegistered, readProbotSettings } from '../github-app/probot.js';
import { connectRedis } from '../queue/connection.js';
import { Queues } from '../queue/queues.js';
import { readEnv } from '../env/app-env.js';
import { configRepos } from '../env/config-repos.js';
import type { RepoJob } from '../queue/jobs.js';

/** `owner/repo` from an operator command's arguments, or a usage error naming the command. */
export function configRepoArgument(args: readonly string[], usage: string): { owner: string; repo: string } {
  const target = args.find((a) => !a.startsWith('--'));
  const match = target?.match(/^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/);
  if (!match) throw new Error(`Usage: ${usage}`);
  return { owner: match[1]!, repo: match[2]! };
}

/**
 * What the operator's commands (`npm run full-run`, `npm run onboard`) share: find the app's
 * installation on the config repo with the app's own credentials, then hand the job's
 * identity and the producer side of the queues to `enqueue`. Needs APP_ID, PRIVATE_KEY and Redis.
 */
export async function enqueueForConfigRepo(ref: { owner: string; repo: string }, enqueue: (job: RepoJob, queues: Queues) => Promise<void>): Promise<void> {
  const env = readEnv();
  // A worker refuses it anyway; saying so here saves the operator the wait.
  if (!configRepos(env.CONVERGE_CONFIG_REPO).matches(ref.repo)) throw new ConfigurationError(`${ref.owner}/${ref.repo} is not a config repo: CONVERGE_CONFIG_REPO is "${env.CONVERGE_CONFIG_REPO}".`);
  const settings = readProbotSettings();
  if (!isRegistered(settings)) throw new ConfigurationError('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required to find the installation of the config repo.');
  const probot = createAppProbot(settings, await createLogger({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }));
  const app = await probot.auth();
  const installationId = await repositoryInstallation(app, ref).catch((error: unknown) => {
    throw new ConfigurationError(`GitHub at ${settings.baseUrl} did not answer the installation lookup (${String((error as Error).message)}): check APP_ID, PRIVATE_KEY and GHE_HOST.`);
  });
  if (installationId === undefined) throw new ConfigurationError(`The app is not installed on ${ref.owner}/${ref.repo} (or the repository does not exist).`);
  const redis = await connectRedis({ url: env.REDIS_URL, cluster: env.REDIS_CLUSTER === 'true', role: 'producer' });
  const queues = new Queues(redis, env.CONVERGE_QUEUE_PREFIX);
  try {
    await enqueue({ installationId, ...ref }, queues);
  } finally {
    await queues.close();
    redis.disconnect();
  }
}

/** Runs an operator command: its error message on stderr and exit code 1, no stack trace. */
export function runOperatorCommand(main: (args: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
