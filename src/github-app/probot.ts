/**
 * The app's own GitHub identity as every shipped process builds it: one logger and one Probot
 * (app JWT → installation tokens) from Probot's standard environment variables. `npm start`,
 * the workers, `npm run full-run` and the benchmark all go through here, so what is measured
 * and tested is what runs.
 */
import { getPrivateKey } from '@probot/get-private-key';
import { getTransformStream } from '@probot/pino';
import pino, { type Logger } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { ConfigurationError } from '../core/errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Probot's own variables, read the way Probot reads them (`readEnvOptions`, `createProbot`). */
export interface ProbotSettings {
  appId: number | undefined;
  privateKey: string | undefined;
  webhookSecret: string | undefined;
  webhookPath: string;
  baseUrl: string;
  port: number;
  host: string;
}

export function readProbotSettings(env: Env = process.env): ProbotSettings {
  let privateKey: string | undefined;
  try {
    privateKey = getPrivateKey({ env: env as NodeJS.ProcessEnv })?.toString() || undefined;
  } catch (error) {
    throw new ConfigurationError(`PRIVATE_KEY_PATH: ${error instanceof Error ? error.message : String(error)}`);
  }
  const appId = env.APP_ID ? Number(env.APP_ID) : undefined;
  if (appId !== undefined && !(Number.isInteger(appId) && appId > 0)) throw new ConfigurationError(`APP_ID must be the app's numeric ID, got "${env.APP_ID}"`);
  return {
    appId,
    privateKey,
    webhookSecret: env.WEBHOOK_SECRET || undefined,
    webhookPath: env.WEBHOOK_PATH || '/api/github/webhooks',
    baseUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}/api/v3` : 'https://api.github.com',
    port: Number(env.PORT) || 3000,
    host: env.HOST || '0.0.0.0',
  };
}

export function isRegistered(settings: ProbotSettings): settings is ProbotSettings & { appId: number; privateKey: string } {
  return settings.appId !== undefined && settings.privateKey !== undefined;
}

/**
 * Probot's logger: LOG_LEVEL, LOG_FORMAT (json, or pretty for a terminal; json when unset
 * and NODE_ENV=production), LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY and SENTRY_DSN, as in Probot.
 */
export async function createLogger(env: Env = process.env): Promise<Logger> {
  const logFormat = env.LOG_FORMAT ? (env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json') : env.NODE_ENV === 'production' ? 'json' : 'pretty';
  const transform = await getTransformStream({
    logFormat,
    logLevelInString: env.LOG_LEVEL_IN_STRING === 'true',
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level: env.LOG_LEVEL || 'info', name: 'converge', messageKey: env.LOG_MESSAGE_KEY || 'msg' }, transform);
}

/**
 * The app's Probot, without Probot's Redis-backed throttling: its Bottleneck datastore breaks
 * for good when Redis is flushed or restarted (ERR SETTINGS_KEY_NOT_FOUND on Redis 7), and
 * Converge already shares write pacing across processes through its own Redis pacer.
 * Octokit's throttling (rate-limit and retry-after handling) and retries stay on.
 */
export function createAppProbot(settings: ProbotSettings & { appId: number; privateKey: string }, log: Logger): Probot {
  return new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    baseUrl: settings.baseUrl,
    log: log.child({ component: 'probot' }),
    Octokit: ProbotOctokit,
    ...(settings.webhookSecret ? { secret: settings.webhookSecret } : {}),
  });
}

/**
 * Proves the credentials before a worker takes jobs: the app JWT must be accepted by GitHub
 * (`GET /app`). Failures name the variable to fix instead of surfacing a stack trace later.
 */
export async function verifyAppCredentials(probot: Probot, settings: ProbotSettings): Promise<{ slug: string | undefined }> {
  let app: Awaited<ReturnType<Probot['auth']>>;
  try {
    app = await probot.auth();
  } catch (error) {
    throw new ConfigurationError(`PRIVATE_KEY is not a usable private key: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const { data } = await app.rest.apps.getAuthenticated();
    return { slug: data?.slug };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401 || status === 403 || status === 404) {
      throw new ConfigurationError(
        `GitHub at ${settings.baseUrl} rejected the app's credentials (HTTP ${status}): check APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) belong to the same GitHub App`,
        { cause: error },
      );
    }
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigurationError(`Cannot reach GitHub at ${settings.baseUrl} (${reason}): check GHE_HOST and GHE_PROTOCOL, or the network`, { cause: error });
  }
}
