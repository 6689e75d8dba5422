import {
  ConfigurationError,
  ConnectionError,
  ConvergeError,
  PermissionError,
  RejectedError,
  readErrorOf,
  RetryableError,
} from '../../core/errors.js';
import type { ReadError } from '../../core/plan-types.js';

/** Network-level failures from node (before or under the PostgreSQL protocol). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/** SQLSTATEs worth another attempt: serialization, deadlock, lock timeout, resources, shutdown. */
const RETRYABLE_STATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '23505']);

/** SQLSTATEs meaning the object is already gone, which a deletion takes as done. */
export const MISSING_STATES = new Set(['42704', '3F000', '3D000', '42P01']);

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function nodeCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code) ? code : undefined;
}

function isConnectionFailure(error: unknown, message: string): boolean {
  const state = sqlState(error);
  if (state?.startsWith('08')) return true;
  if (nodeCode(error)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(message);
}

export interface ErrorContext {
  target: string;
  /** The environment variable the connection string came from (named, never its value). */
  envName: string;
  redact(text: string): string;
}

/** PostgreSQL could not be reached in the middle of a job: worth another attempt. */
export class LostConnectionError extends RetryableError {}

/**
 * What went wrong at the network level, in words of our own: node's texts carry the address
 * ("connect ECONNREFUSED 10.0.0.5:5432"), which check runs must not show.
 */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the server refused the connection',
  ECONNRESET: 'the server closed the connection',
  EPIPE: 'the server closed the connection',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
};

function unreachableReason(thrown: unknown, raw: string, context: ErrorContext): string {
  const node = nodeCode(thrown);
  if (node) return NETWORK_REASONS[node]!;
  if (/timeout/i.test(raw)) return 'the connection timed out';
  if (/Connection terminated/i.test(raw)) return 'the server closed the connection';
  // An 08xxx from the server itself: its text names no address, but redact it all the same.
  return context.redact(raw) || 'unknown error';
}

/**
 * Turn anything pg or node throws into a typed ConvergeError whose message names the target
 * and never contains the connection string, a password, nor the server's address. `while`
 * says what was being done.
 */
export function toPostgresError(
  thrown: unknown,
  context: ErrorContext,
  what: { while: string; resource?: string; connecting?: boolean },
): ConvergeError {
  if (thrown instanceof ConvergeError) return thrown;
  const raw = thrown instanceof Error ? thrown.message : String(thrown);
  const detail = context.redact(raw) || 'unknown error';
  const state = sqlState(thrown);
  const code = state ?? nodeCode(thrown);
  const prefix = `postgres target "${context.target}": ${what.while} failed`;
  const options = { resource: what.resource, cause: redactedCause(thrown, context) };
  const suffix = code ? ` (${code})` : '';

  if (isConnectionFailure(thrown, raw)) {
    const message = `${prefix}: cannot reach PostgreSQL (connection string from ${context.envName}): ${unreachableReason(thrown, raw, context)}${suffix}`;
    return what.connecting ? new ConnectionError(message, options) : new LostConnectionError(message, options);
  }
  if (state?.startsWith('28')) {
    // The server's text names the user, and for pg_hba.conf rejections our address too.
    const why = state === '28P01' ? 'the password was not accepted' : 'the role does not exist or may not log in from here (pg_hba.conf)';
    return new PermissionError(`${prefix}: PostgreSQL refused the login of the role in ${context.envName}: ${why}${suffix}`, options);
  }
  if (state === '42501') {
    return new PermissionError(`${prefix}: permission denied: ${detail}${suffix}`, options);
  }
  if (state === '3D000' && what.connecting) {
    return new ConfigurationError(`${prefix}: the database named in ${context.envName} does not exist${suffix}`, options);
  }
  if (state && (RETRYABLE_STATES.has(state) || state.startsWith('53') || (state === 'XX000' && /concurrently/.test(raw)))) {
    return new RetryableError(`${prefix}: ${detail}${suffix}`, options);
  }
  return new RejectedError(`${prefix}: ${detail}${suffix}`, options);
}

/** A read failure's code: a database that cannot be reached is a `connection` problem, retryable mid-job. */
export function postgresReadError(error: unknown): ReadError {
  if (error instanceof LostConnectionError) return { code: 'connection', retryable: true, message: error.message };
  return readErrorOf(error);
}

/** The cause kept on the error for logs: a plain copy with only redacted text. */
function redactedCause(thrown: unknown, context: ErrorContext): Error {
  const source = thrown instanceof Error ? thrown : new Error(String(thrown));
  const copy = new Error(context.redact(source.message));
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

/** Replace every secret, and anything shaped like a connection URL, with a placeholder. */
export function makeRedactor(secrets: () => Iterable<string>): (text: string) => string {
  return (text) => {
    let out = text.replace(/postgres(?:ql)?:\/\/[^\s'"]*/gi, '[redacted connection string]');
    // Addresses (IPv4 or bracketed IPv6, with or without a port) from any text that slips through.
    out = out.replace(/\[[0-9a-f:.]+\](?::\d+)?|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/gi, '[redacted address]');
    // Longest first, so a secret containing another is replaced whole.
    const list = [...secrets()].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
    for (const secret of list) out = out.split(secret).join('[redacted]');
    return out;
  };
}
