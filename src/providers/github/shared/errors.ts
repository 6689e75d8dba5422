import {
  ConfigurationError,
  ConvergeError,
  PermissionError,
  RateLimitedError,
  RejectedError,
  RetryableError,
  readErrorOf,
} from '../../../core/errors.js';
import type { ReadError } from '../../../core/plan-types.js';
import { isWriteRedirected, redirectedWriteError } from './moved.js';

/**
 * The one place GitHub failures become the core's typed errors. The class decides what the
 * engine does next (retry, wait, fail this resource only); messages name the resource and
 * carry GitHub's own words, never credentials.
 */

export type Operation = 'read' | 'write';

interface HttpFailure {
  status: number;
  /** False when the request never got an HTTP answer (Octokit then reports status 500). */
  answered: boolean;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

/** Octokit's RequestError, recognised by shape so no class identity across copies matters. */
export function httpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; response?: { headers?: unknown; data?: unknown } };
  if (typeof e.status !== 'number') return undefined;
  return {
    status: e.status,
    answered: e.response !== undefined,
    headers: (e.response?.headers ?? {}) as HttpFailure['headers'],
    data: e.response?.data,
  };
}

export function statusOf(error: unknown): number | undefined {
  return httpFailure(error)?.status;
}

/** GitHub's `errors[]` on a 422: `{ resource, field, code, message }`. */
export function errorCodes(error: unknown): string[] {
  const data = httpFailure(error)?.data as { errors?: Array<{ code?: string }> } | undefined;
  return Array.isArray(data?.errors) ? data.errors.map((e) => e.code ?? '').filter(Boolean) : [];
}

const TOKEN = /\b(gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,}|v1\.[0-9a-f]{40})\b/g;

/** Belt and braces: GitHub does not echo tokens, but a message must never carry one. */
export function redact(text: string): string {
  return text.replace(TOKEN, '[REDACTED]');
}

function header(headers: HttpFailure['headers'], name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
}

/**
 * How long GitHub asked us to wait, when a 403/429 is a rate limit (primary or secondary):
 * `retry-after` seconds first, else the `x-ratelimit-reset` epoch when nothing remains.
 * Undefined means the failure is not a rate limit.
 */
export function rateLimitWaitMs(error: unknown, now = Date.now()): number | undefined {
  const failure = httpFailure(error);
  if (!failure || (failure.status !== 403 && failure.status !== 429)) return undefined;
  const retryAfter = Number(header(failure.headers, 'retry-after'));
  if (header(failure.headers, 'retry-after') !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter * 1000);
  const reset = Number(header(failure.headers, 'x-ratelimit-reset'));
  if (header(failure.headers, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  // A 429 is always "too many requests"; GitHub asks for at least a minute when it gives no hint.
  return failure.status === 429 ? 60_000 : undefined;
}

function githubMessage(data: unknown): string {
  if (typeof data === 'string') return data.trim().slice(0, 300);
  if (typeof data !== 'object' || data === null) return '';
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors
        .map((e: unknown) => {
          if (typeof e === 'string') return e;
          const item = (e ?? {}) as { message?: string; code?: string; field?: string; resource?: string };
          if (item.message === undefined) return [item.resource, item.field, item.code].filter(Boolean).join(' ');
          // Which input GitHub refused, unless its message already says so.
          return item.field && !item.message.toLowerCase().includes(item.field.toLowerCase()) ? `${item.field}: ${item.message}` : item.message;
        })
        .filter(Boolean)
    : [];
  return [typeof message === 'string' ? message : '', details.length > 0 ? `(${details.join('; ')})` : ''].filter(Boolean).join(' ');
}

/**
 * What GitHub says the app lacks, from `x-accepted-github-permissions` on a 403: sets of
 * `name=level` pairs (`,` within a set, `;` between alternatives), e.g. `administration=write`
 * → "the app needs administration: write". Empty when GitHub did not say.
 */
function missingPermission(headers: HttpFailure['headers']): string {
  const sets = (header(headers, 'x-accepted-github-permissions') ?? '')
    .split(';')
    .map((set) =>
      set
        .split(',')
        .map((pair) => pair.trim().split('='))
        .filter((pair): pair is [string, string] => pair.length === 2 && /^[a-z_]+$/.test(pair[0]!) && /^[a-z]+$/.test(pair[1]!))
        .map(([name, level]) => `${name}: ${level}`)
        .join(' and '),
    )
    .filter(Boolean);
  return sets.length > 0 ? `the app needs ${sets.join(', or ')}` : '';
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH']);

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_'))) return true;
  return error.cause !== undefined && error.cause !== error && isNetworkError(error.cause);
}

/** A short reason without the error's message: transport errors may echo request headers. */
function networkReason(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return e.name;
  }
  return 'no answer';
}

interface GraphqlErrorShape {
  errors: Array<{ type?: string; message?: string }>;
  headers?: Record<string, string | undefined>;
}

function graphqlFailure(error: unknown): GraphqlErrorShape | undefined {
  if (!(error instanceof Error) || error.name !== 'GraphqlResponseError') return undefined;
  const errors = (error as unknown as GraphqlErrorShape).errors;
  return Array.isArray(errors) ? (error as unknown as GraphqlErrorShape) : undefined;
}

/**
 * Map anything a GitHub call threw to a ConvergeError for `resource` (`kind/name`). A 404 on
 * a read is `not-found` (callers usually turn it into "absent" before getting here); on a
 * write it rejects the change, naming the resource.
 */
export function toGitHubError(error: unknown, resource: string | undefined, operation: Operation, now = Date.now()): ConvergeError {
  if (error instanceof ConvergeError) return error;
  const subject = resource ?? 'GitHub';
  if (isWriteRedirected(error)) return redirectedWriteError(error, subject);
  const options = { cause: error, ...(resource ? { resource } : {}) };

  const graphql = graphqlFailure(error);
  if (graphql) {
    const types = graphql.errors.map((e) => e.type);
    const text = redact(graphql.errors.map((e) => e.message ?? e.type ?? 'error').join('; '));
    if (types.includes('RATE_LIMITED')) {
      const reset = Number(graphql.headers?.['x-ratelimit-reset']);
      const retryAfterMs = Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : 60_000;
      return new RateLimitedError(`${subject}: GitHub's GraphQL rate limit is exhausted.`, { ...options, retryAfterMs });
    }
    if (types.includes('FORBIDDEN')) return new PermissionError(`${subject}: GitHub denied the query: ${text}`, options);
    if (types.includes('NOT_FOUND')) return new ConvergeError('not-found', `${subject}: ${text}`, options);
    // GraphQL's 422: the mutation was refused (e.g. "Name already protected"); retrying will not help.
    if (types.includes('UNPROCESSABLE')) return new RejectedError(`${subject}: GitHub rejected the change: ${text}`, options);
    return new ConvergeError('internal', `${subject}: GitHub's GraphQL API answered with errors: ${text}`, options);
  }

  const failure = httpFailure(error);
  if (!failure || !failure.answered) {
    if (failure || isNetworkError(error)) {
      return new RetryableError(`${subject}: GitHub could not be reached (${networkReason(error)}).`, options);
    }
    return new ConvergeError('internal', redact(`${subject}: ${error instanceof Error ? error.message : String(error)}`), options);
  }

  const { status, data } = failure;
  const said = redact(githubMessage(data));
  const suffix = said ? `: ${said}` : '.';
  const waitMs = rateLimitWaitMs(error, now);
  if (waitMs !== undefined) {
    return new RateLimitedError(`${subject}: GitHub rate limit hit (HTTP ${status}); retry in ${Math.ceil(waitMs / 1000)} s.`, { ...options, retryAfterMs: waitMs });
  }
  if (status >= 500) return new RetryableError(`${subject}: GitHub failed with HTTP ${status}${suffix}`, options);
  if (status === 401) return new PermissionError(`${subject}: GitHub rejected the app's credentials (HTTP 401).`, options);
  if (status === 403) {
    const needs = missingPermission(failure.headers);
    const denied = `${subject}: the app is not allowed to ${operation} this on GitHub${said ? `: ${said}` : ''}`;
    return new PermissionError(needs ? `${denied} (${needs}).` : `${denied}${said ? '' : '.'}`, options);
  }
  if (status === 404) {
    return operation === 'write'
      ? new RejectedError(`${subject}: not found on GitHub (deleted, renamed, or not visible to the app)${suffix}`, options)
      : new ConvergeError('not-found', `${subject}: not found on GitHub.`, options);
  }
  if (status === 409) return new ConvergeError('conflict', `${subject}: GitHub reported a conflict${suffix}`, options);
  if (status === 422) return new RejectedError(`${subject}: GitHub rejected the change${suffix}`, options);
  if (status === 400 || status === 410 || status === 451) return new RejectedError(`${subject}: GitHub refused the request (HTTP ${status})${suffix}`, options);
  return new ConvergeError('internal', `${subject}: unexpected HTTP ${status} from GitHub${suffix}`, options);
}

/** For reads: why a resource could not be read, typed, with the sentence a plan shows. */
export function readFailure(error: unknown, resource: string): ReadError {
  return readErrorOf(toGitHubError(error, resource, 'read'));
}

export function missingOrganization(org: string): ConfigurationError {
  return new ConfigurationError(`GitHub organization "${org}" was not found, or the app is not installed on it.`);
}
