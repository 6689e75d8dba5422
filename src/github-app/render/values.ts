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

/**
 * JSON.stringify's text, cut off once it passes `limit` characters. An open record (a
 * ruleset's parameters) can hold a value whose full text is enormous (or, through YAML
 * aliases, exponentially so); a cell shows at most a few hundred characters, so writing the
 * rest would only cost time and memory. Keys that look secret are masked as they are written.
 */
export function boundedJson(value: unknown, limit: number): string {
  let out = '';
  const full = () => out.length > limit;
  const write = (node: unknown, key: string): boolean => {
    if (full()) return false;
    if (key !== '' && isSensitivePath(key)) {
      out += JSON.stringify(MASK);
      return true;
    }
    if (node !== null && typeof node === 'object' && typeof (node as { toJSON?: unknown }).toJSON === 'function') {
      node = (node as { toJSON(key: string): unknown }).toJSON(key);
    }
    if (typeof node === 'bigint') node = node.toString();
    if (node === undefined || typeof node === 'function' || typeof node === 'symbol') return false;
    if (node === null || typeof node !== 'object') {
      out += JSON.stringify(node);
      return true;
    }
    if (Array.isArray(node)) {
      out += '[';
      for (let i = 0; i < node.length && !full(); i++) {
        if (i > 0) out += ',';
        if (!write(node[i], String(i))) out += 'null';
      }
      out += ']';
      return true;
    }
    out += '{';
    let first = true;
    for (const [k, v] of Object.entries(node)) {
      if (full()) break;
      const mark = out.length;
      out += `${first ? '' : ','}${JSON.stringify(k)}:`;
      if (write(v, k)) first = false;
      else out = out.slice(0, mark);
    }
    out += '}';
    return true;
  };
  return write(value, '') ? out : '';
}

function stringify(value: unknown, limit: number): string {
  if (value === undefined) return '';
  try {
    return boundedJson(value, limit) || String(value);
  } catch {
    return String(value);
  }
}

/** A field value as a table cell: `—` when absent, masked when secret, JSON otherwise. */
export function formatValue(path: string, value: unknown, maxChars = 200): string {
  if (value === undefined) return '—';
  if (isSensitivePath(path)) return SENSITIVE;
  // Look a little past the cut, so a credential that straddles it is still caught.
  const json = stringify(value, maxChars + 200);
  if (looksSecret(json)) return SENSITIVE;
  return code(json, maxChars);
}
