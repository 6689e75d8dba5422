import { Cluster, Redis } from 'ioredis';
import { ConfigurationError } from '../core/errors.js';

export type RedisConnection = Redis | Cluster;

export interface RedisSettings {
  url: string;
  cluster: boolean;
  /**
   * `worker` connections wait out Redis restarts (BullMQ needs that for blocking commands);
   * `producer` connections fail fast, so a webhook that cannot be enqueued answers 5xx and
   * GitHub records a failed delivery that can be redelivered.
   */
  role?: 'worker' | 'producer';
}

/**
 * The one place Redis connections are made. BullMQ workers need `maxRetriesPerRequest: null`
 * (blocking commands must wait out reconnects instead of failing).
 */
export function createRedis(settings: RedisSettings): RedisConnection {
  const options =
    settings.role === 'producer'
      ? ({ maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3000, enableReadyCheck: true, lazyConnect: true } as const)
      : ({ maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true } as const);
  if (!settings.cluster) return new Redis(settings.url, options);
  const url = new URL(settings.url);
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    redisOptions: { ...options, ...(url.password ? { password: decodeURIComponent(url.password) } : {}) },
  });
}

/** Redact credentials from a Redis URL before it appears in a message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/** Connect and ping, turning failure into a start-up error that names REDIS_URL. */
export async function connectRedis(settings: RedisSettings, timeoutMs = 5000): Promise<RedisConnection> {
  const redis = createRedis(settings);
  redis.on('error', () => {
    // Reported through connect/ping below and by BullMQ afterwards; avoid unhandled 'error' events.
  });
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(`Cannot reach Redis at REDIS_URL=${redactUrl(settings.url)}: ${reason}. Start Redis or set REDIS_URL.`, { cause: error });
  }
}
