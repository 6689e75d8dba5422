/**
 * How field values are shown. Secrets cannot be read back and must never be printed, so a
 * field whose path looks secret is masked, and so is any value that looks like a credential.
 */
import { code } from './markdown.js';

export const SENSITIVE = '_(sensitive)_';
const MASK = '(sensitive)';

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'tokens',
  'key',
  'keys',
  'apikey',
  'privatekey',
  'credential',
  'credentials',
  'dsn',
  'connectionstring',
  'auth',
  'authorization',
  'cookie',
]);

/** Words of an identifier: `apiKey`, `api_key`, `API-KEY` → api, key. */
function words(segment: string): string[] {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when a dotted field path (or one key) names something secret. */
export function isSensitivePath(path: string): boolean {
  for (const segment of path.split('.')) {
    const parts = words(segment);
    if (parts.some((w) => SECRET_WORDS.has(w))) return true;
    if (SECRET_WORDS.has(parts.join(''))) return true;
  }
  return false;
}

const SECRET_VALUE = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, // credentials in a URL
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
];

export function looksSecret(value: string): boolean {
  return SECRET_VALUE.some((pattern) => pattern.test(value));
}

function stringify(value: unknown): string {
  if (value === undefined) return '';
  try {
    const json = JSON.stringify(value, (key, inner: unknown) => {
      if (key !== '' && isSensitivePath(key)) return MASK;
      if (typeof inner === 'bigint') return inner.toString();
      return inner;
    });
    return json ?? String(value);
  } catch {
    return String(value);
  }
}

/** A field value as a table cell: `—` when absent, masked when secret, JSON otherwise. */
export function formatValue(path: string, value: unknown, maxChars = 200): string {
  if (value === undefined) return '—';
  if (isSensitivePath(path)) return SENSITIVE;
  const json = stringify(value);
  // Look a little past the cut, so a credential that straddles it is still caught.
  if (looksSecret(json.length > maxChars + 200 ? json.slice(0, maxChars + 200) : json)) return SENSITIVE;
  return code(json, maxChars);
}
