/**
 * The app's own GitHub identity as every shipped process builds it: one logger and one Probot
 * (app JWT → installation tokens) from Probot's standard environment variables. `npm start`,
 * the workers, `npm run full-run` and the benchmark all go through here, so what is measured
 * and tested is what runs.
 */
import { getPrivateKey } from '@probot/get-private-key';
import { getTransformStream } from '@probot/pino';
import pino, { type Logger } from 'pino';
import Bottleneck from 'bottleneck';
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

let flushing: (() => Promise<void>) | undefined;

/**
 * Before `process.exit`: waits until every line logged so far is written. The log goes through
 * a transform stream, so a line logged just before exiting would otherwise be lost.
 */
export async function flushLogs(): Promise<void> {
  await flushing?.();
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
  const destination = pino.destination(1);
  transform.pipe(destination as unknown as NodeJS.WritableStream);
  flushing = () =>
    new Promise<void>((resolve) => {
      // Ending the transform ends the destination once every line went through it.
      const done = () => resolve();
      destination.once('close', done);
      setTimeout(done, 2000).unref();
      transform.end();
    });
  return pino({ level: env.LOG_LEVEL || 'info', name: 'converge', messageKey: env.LOG_MESSAGE_KEY || 'msg' }, transform);
}

/** GitHub allows 100 concurrent requests per installation, REST and GraphQL together. */
export const MAX_CONCURRENT_REQUESTS = 100;

/** The plugin's limit handler: true retries the request after `retryAfter` seconds; `retryCount` says how often it was retried already. */
type LimitHandler = (retryAfter: number, options: { method?: string; url?: string; query?: unknown; request?: { retryCount?: number } }, octokit: { log: { warn(...args: unknown[]): void } }, retryCount: number) => boolean;

/** A GET, or a GraphQL query: never paced, and retried in place when GitHub asks to wait. */
export function isRead(options: { method?: string; url?: string; query?: unknown }): boolean {
  const method = (options.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return true;
  const graphql = /\/graphql$/.test(new URL(options.url ?? '/', 'http://github.test').pathname);
  return graphql && typeof options.query === 'string' && !/^\s*mutation\b/.test(options.query);
}

/** Probot's own handler retries while `retryCount <= 2`; ours keeps that bound, for reads after a secondary limit too. */
const RATE_LIMIT_RETRIES = 2;

/**
 * @octokit/plugin-throttling, left as it is, sends every non-GET and every `/graphql` request
 * (queries too) through one queue per installation, one at a time and a second apart, and
 * caps all other requests at 10 in flight. Converge paces writes itself, once, with budgets
 * shared through Redis (providers/github/pacer.ts), so the plugin's write and notification
 * queues are replaced by groups that never wait, and its global cap is GitHub's own. What the
 * plugin still does is honour GitHub: after `x-ratelimit-reset` it retries any request (as
 * Probot does), after `retry-after` (secondary limit) it retries reads; a write that hits the
 * secondary limit fails to its caller, whose pacer then pauses every process's writes.
 */
export function convergeThrottle(): Record<string, unknown> {
  const unpaced = () => new Bottleneck.Group({ maxConcurrent: null, minTime: 0 });
  const onRateLimit: LimitHandler = (retryAfter, options, octokit, retryCount) => {
    octokit.log.warn({ method: options.method, url: options.url, retryAfter, retryCount }, 'GitHub rate limit hit');
    return retryCount <= RATE_LIMIT_RETRIES;
  };
  const onSecondaryRateLimit: LimitHandler = (retryAfter, options, octokit, retryCount) => {
    octokit.log.warn({ method: options.method, url: options.url, retryAfter, retryCount }, 'GitHub secondary rate limit hit');
    return isRead(options) && retryCount <= RATE_LIMIT_RETRIES;
  };
  return {
    enabled: true,
    write: unpaced(),
    notifications: unpaced(),
    global: new Bottleneck.Group({ maxConcurrent: MAX_CONCURRENT_REQUESTS, minTime: 0 }),
    onRateLimit,
    onSecondaryRateLimit,
  };
}

/** One set of groups per process, keyed by installation like the plugin's own. */
const THROTTLE = convergeThrottle();

/**
 * ProbotOctokit (the same plugins: throttling, retry, pagination, REST methods, request
 * logging, config) with Converge's throttling options on every client it makes, including the
 * installation clients `probot.auth(id)` derives from it.
 */
export const ConvergeOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as Record<string, unknown> | undefined), ...THROTTLE },
}));

/**
 * The app's Probot, without Probot's Redis-backed throttling: its Bottleneck datastore breaks
 * for good when Redis is flushed or restarted (ERR SETTINGS_KEY_NOT_FOUND on Redis 7), and
 * Converge already shares write pacing across processes through its own Redis pacer.
 * `ConvergeOctokit` keeps Octokit's rate-limit handling and retries but none of its pacing.
 */
export function createAppProbot(settings: ProbotSettings & { appId: number; privateKey: string }, log: Logger): Probot {
  return new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    baseUrl: settings.baseUrl,
    log: log.child({ component: 'probot' }),
    Octokit: ConvergeOctokit,
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
