import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { postgresSaslPrep } from './saslprep.js';

/**
 * Passwords cannot be read back, so Converge records *which* password it last set, never the
 * password: the role's comment holds `converge:passwordFromEnv=<VAR>;passwordVersion=<v>`.
 * The password is set when the role is created and again whenever `passwordFromEnv` or
 * `passwordVersion` differ from that record (so bumping `passwordVersion` rotates it).
 */
const MARKER = /^converge:passwordFromEnv=([A-Za-z_][A-Za-z0-9_]*)(?:;passwordVersion=(.*))?$/s;

export function passwordMarker(envName: string, version: string | undefined): string {
  return `converge:passwordFromEnv=${envName}${version === undefined ? '' : `;passwordVersion=${encodeURIComponent(version)}`}`;
}

export function readPasswordMarker(comment: string | null): { passwordFromEnv?: string; passwordVersion?: string } {
  const match = comment ? MARKER.exec(comment) : null;
  if (!match) return {};
  let version: string | undefined;
  try {
    version = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  } catch {
    version = match[2];
  }
  return { passwordFromEnv: match[1]!, ...(version === undefined ? {} : { passwordVersion: version }) };
}

const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 5802/7677) for `password`, computed here
 * so the password itself never appears in a statement (statement logs, pg_stat_activity).
 * It hashes what the server's own `PASSWORD '…'` would hash (see `postgresSaslPrep`), so
 * clients, which prepare the password the same way, log in with it.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(Buffer.from(postgresSaslPrep(password), 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
