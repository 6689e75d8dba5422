/**
 * Typed errors. The class (and its code) decides what happens next: a retryable error is
 * retried with backoff, a rejected change fails only its own resource, a configuration
 * error stops the run before anything is written. Messages never include secrets.
 */
import type { ReadError } from './plan-types.js';

export type ErrorCode =
  | 'retryable'
  | 'rate-limited'
  | 'rejected'
  | 'not-found'
  | 'permission'
  | 'conflict'
  | 'configuration'
  | 'connection'
  | 'internal';

export class ConvergeError extends Error {
  readonly code: ErrorCode;
  /** The resource this error belongs to, as `kind/name`, when there is one. */
  readonly resource: string | undefined;

  constructor(code: ErrorCode, message: string, options: { resource?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.resource = options.resource;
  }

  get retryable(): boolean {
    return this.code === 'retryable' || this.code === 'rate-limited';
  }
}

/** A transient failure (5xx, timeout, connection reset): try again later. */
export class RetryableError extends ConvergeError {
  constructor(message: string, options: { resource?: string; cause?: unknown } = {}) {
    super('retryable', message, options);
  }
}

/** The target asked us to slow down; `retryAfterMs` says for how long when it told us. */
export class RateLimitedError extends ConvergeError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { resource?: string; cause?: unknown; retryAfterMs?: number } = {}) {
    super('rate-limited', message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The target refused the change (for example HTTP 422). Retrying will not help. */
export class RejectedError extends ConvergeError {
  constructor(message: string, options: { resource?: string; cause?: unknown } = {}) {
    super('rejected', message, options);
  }
}

/** Credentials or permissions are missing for this operation. */
export class PermissionError extends ConvergeError {
  constructor(message: string, options: { resource?: string; cause?: unknown } = {}) {
    super('permission', message, options);
  }
}

/** The configuration (converge.yml, environment) makes the run impossible. */
export class ConfigurationError extends ConvergeError {
  constructor(message: string, options: { resource?: string; cause?: unknown } = {}) {
    super('configuration', message, options);
  }
}

/** The target system cannot be reached. */
export class ConnectionError extends ConvergeError {
  constructor(message: string, options: { resource?: string; cause?: unknown } = {}) {
    super('connection', message, options);
  }
}

/**
 * Wrap anything thrown into a ConvergeError without losing the original as `cause`. A value
 * that is not a ConvergeError never had its message vetted (a driver's error may quote a
 * connection string, a library's may quote the data it choked on), and messages reach check
 * runs, so it gets a generic message naming only its class; the original stays as `cause`
 * for the logs.
 */
export function toConvergeError(error: unknown, resource?: string): ConvergeError {
  if (error instanceof ConvergeError) return error;
  const name = error instanceof Error && /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(error.name) ? error.name : typeof error;
  return new ConvergeError('internal', `an unexpected error (${name}) stopped this; its message is withheld because it may hold secrets`, { resource, cause: error });
}

/**
 * Whether reading again later may succeed. Wider than ConvergeError's `retryable`, which says
 * whether to retry within the job: a target out of reach (`connection`) stays out of reach
 * for this job's session, but the next run may well reach it.
 */
export function readRetryable(code: ErrorCode): boolean {
  return code === 'retryable' || code === 'rate-limited' || code === 'connection';
}

/** What a read failure reports about any thrown value: its code, retryability and message. */
export function readErrorOf(error: unknown): ReadError {
  const typed = toConvergeError(error);
  return { code: typed.code, retryable: readRetryable(typed.code), message: typed.message };
}

/** A read failure that is not an exception: a name the target cannot hold, a case clash. */
export function readError(code: ErrorCode, message: string): ReadError {
  return { code, retryable: readRetryable(code), message };
}
