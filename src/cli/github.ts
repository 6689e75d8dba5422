import type { Logger } from 'pino';
import type { GitHubClient } from '../github-app/client.js';
import { statusOf } from '../github-app/errors.js';
import { ConvergeOctokit, createAppProbot, isRegistered, readProbotSettings } from '../github-app/probot.js';
import { UsageError } from './exit.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface CliGitHub {
  client: GitHubClient;
  /** How it authenticated, for the first line of output. */
  as: string;
}

/**
 * The client the CLI reads an org with: GITHUB_TOKEN (a user's or a fine-grained token) when
 * set, else the app's own credentials (APP_ID and PRIVATE_KEY, as the app runs with) through
 * its installation on the org. The same Octokit, plugins and throttling as the app's. The
 * base URL honours GHE_HOST and GHE_PROTOCOL.
 */
export async function cliGitHub(org: string, env: Env, log: Logger): Promise<CliGitHub> {
  const settings = readProbotSettings(env);
  const token = env.GITHUB_TOKEN;
  if (token) {
    return { client: new ConvergeOctokit({ auth: { token }, baseUrl: settings.baseUrl, log: log.child({ component: 'octokit' }) }), as: 'GITHUB_TOKEN' };
  }
  if (!isRegistered(settings)) {
    throw new UsageError('No GitHub credentials: set GITHUB_TOKEN (a token that can read the org), or APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) of the Converge app installed on it.');
  }
  const probot = createAppProbot(settings, log);
  const app = await probot.auth();
  let installationId: number;
  try {
    installationId = (await app.rest.apps.getOrgInstallation({ org })).data.id;
  } catch (error) {
    if (statusOf(error) === 404) throw new UsageError(`The app (APP_ID ${settings.appId}) is not installed on ${org}, or ${org} is not an organization.`);
    const status = statusOf(error);
    throw new UsageError(
      status === 401 || status === 403
        ? `GitHub at ${settings.baseUrl} rejected the app's credentials (HTTP ${status}): check APP_ID and PRIVATE_KEY.`
        : `Cannot reach GitHub at ${settings.baseUrl}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { client: await probot.auth(installationId), as: `the app's installation on ${org}` };
}
