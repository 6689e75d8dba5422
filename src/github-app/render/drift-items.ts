/**
 * The items a drift issue lists, kept in its body as hidden data, with who changed each and
 * when. A drift job re-reads only the resources one event touched: it merges what it found
 * into the items the issue already lists (the last full run's) instead of dropping them, and
 * needs those items' changes to render them again. Values are masked as the issue shows
 * them, so the hidden data says nothing the visible body does not.
 */
import type { Change, ReadFailure } from '../../core/plan-types.js';
import { byteLength } from './budget.js';
import { code, link } from './markdown.js';
import { boundedJson, isSensitivePath, looksSecret } from './values.js';

/** Who changed an item and when, from the GitHub event that reported it. */
export interface Attribution {
  /** The event's sender's login. */
  by: string;
  /** ISO 8601. */
  at: string;
  /** The event's subject on GitHub. */
  url?: string;
}

export interface DriftItems {
  changes: Change[];
  readFailures: ReadFailure[];
  attribution: Map<string, Attribution>;
}

const ITEMS_PATTERN = /<!-- converge:drift-items ([A-Za-z0-9_-]*) -->/;
/** Past this the data is left out: the next drift job then leaves the issue to the full run. */
const ITEMS_MAX_BYTES = 24_000;
const VALUE_MAX_CHARS = 2_000;
const MASKED = '(sensitive, not shown)';

function masked(path: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (isSensitivePath(path)) return MASKED;
  const json = boundedJson(value, VALUE_MAX_CHARS);
  if (looksSecret(json)) return MASKED;
  return json.length >= VALUE_MAX_CHARS ? `${json.slice(0, VALUE_MAX_CHARS)}…` : value;
}

/** A change as the issue needs it again: no desired spec, masked and bounded values. */
function slim(change: Change): Change {
  return {
    kind: change.kind,
    target: change.target,
    name: change.name,
    action: change.action,
    fields: change.fields.map((f) => ({ ...f, before: masked(f.path, f.before), after: masked(f.path, f.after) })),
    desired: {},
    origin: change.origin,
    owners: change.owners,
    ...(change.actual !== undefined && change.action === 'delete' ? { actual: masked('', change.actual) as Record<string, unknown> } : {}),
    ...(change.source ? { source: change.source } : {}),
    ...(change.fromName !== undefined ? { fromName: change.fromName } : {}),
    ...(change.blocked ? { blocked: change.blocked } : {}),
    ...(change.risk ? { risk: change.risk } : {}),
  };
}

/** The hidden comment, or '' when the items are too many to keep. */
export function itemsComment(items: DriftItems): string {
  const data = {
    v: 1,
    changes: items.changes.map(slim),
    failures: items.readFailures,
    by: Object.fromEntries(items.attribution),
  };
  const encoded = Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
  return byteLength(encoded) <= ITEMS_MAX_BYTES ? `<!-- converge:drift-items ${encoded} -->` : '';
}

/** The items an issue body keeps, or undefined when it keeps none (an older body, or too many). */
export function parseItems(body: string | undefined): DriftItems | undefined {
  const match = body?.match(ITEMS_PATTERN);
  if (!match) return undefined;
  try {
    const data = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { v?: number; changes?: Change[]; failures?: ReadFailure[]; by?: Record<string, Attribution> };
    if (data.v !== 1 || !Array.isArray(data.changes) || !Array.isArray(data.failures)) return undefined;
    return { changes: data.changes, readFailures: data.failures, attribution: new Map(Object.entries(data.by ?? {})) };
  } catch {
    return undefined; // not ours: the full run rewrites it
  }
}

const UNITS: Array<[number, string]> = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

/** "3 minutes ago", relative to `now` (the report's time): deterministic for a given clock. */
export function ago(at: Date, now: Date): string {
  const ms = Math.max(0, now.getTime() - at.getTime());
  for (const [size, unit] of UNITS) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

// A user's login mentions them; anything else (an app's `name[bot]`) is shown as code.
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;

/** `@alice` for a user (it notifies them), an app's `name[bot]` or anything else as code. */
export function mention(login: string): string {
  return LOGIN.test(login) ? `@${login}` : code(login || 'someone', 60);
}

/** "Changed by @alice 3 minutes ago (2026-12-03 12:00 UTC)", or "Found by the full run." */
export function attributionLine(attribution: Attribution | undefined, now: Date): string {
  if (!attribution) return 'Found by the full run.';
  const at = new Date(attribution.at);
  const when = Number.isNaN(at.getTime()) ? '' : ` ${link(ago(at, now), attribution.url)} (${at.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  return `Changed by ${mention(attribution.by)}${when}.`;
}
