import {
  ConfigurationError,
  ConnectionError,
  ConvergeError,
  PermissionError,
  RejectedError,
  RetryableError,
} from '../../core/errors.js';

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

/**
 * Turn anything pg or node throws into a typed ConvergeError whose message names the target
 * and never contains the connection string or a password. `while` says what was being done.
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
    const message = `${prefix}: cannot reach PostgreSQL (connection string from ${context.envName}): ${detail}${suffix}`;
    return what.connecting ? new ConnectionError(message, options) : new RetryableError(message, options);
  }
  if (state?.startsWith('28') || state === '42501') {
    return new PermissionError(`${prefix}: permission denied: ${detail}${suffix}`, options);
  }
  if (state === '3D000' && what.connecting) {
    return new ConfigurationError(`${prefix}: the database in ${context.envName} does not exist: ${detail}${suffix}`, options);
  }
  if (state && (RETRYABLE_STATES.has(state) || state.startsWith('53') || (state === 'XX000' && /concurrently/.test(raw)))) {
    return new RetryableError(`${prefix}: ${detail}${suffix}`, options);
  }
  return new RejectedError(`${prefix}: ${detail}${suffix}`, options);
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
    // Longest first, so a secret containing another is replaced whole.
    const list = [...secrets()].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
    for (const secret of list) out = out.split(secret).join('[redacted]');
    return out;
  };
}
