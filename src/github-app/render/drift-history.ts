/**
 * What a drift issue remembers between full runs, so that its body can say what changed: the
 * items it lists, in a hidden comment (each item's key and a short hash of what the report says
 * about it), and a dated history, newest first. Both are read back from the issue body as it
 * stands, so nothing is stored anywhere else and an issue edited by hand still works (it
 * merely starts a fresh history).
 */
import { createHash } from 'node:crypto';
import { byteLength, truncateBytes } from './budget.js';
import { code, formatCount } from './markdown.js';

/** One item of a report, as its history sees it. */
export interface TrackedItem {
  key: string;
  /** Changes when what the report says about the item changes (its fields, its live values). */
  hash: string;
  /** Markdown after the key in a history line: "(description)", "(found live)". */
  detail: string;
}

/** The state a body carries in its hidden comment. */
export interface DriftState {
  /** Item hashes by key; undefined when there were too many items to list them one by one. */
  items?: Map<string, string>;
  count: number;
  /** Over all items: tells whether a set too large to list changed. */
  all: string;
  /** Over everything the body says but its links and history: equal means nothing to edit. */
  content: string;
}

/** Room for the item list in the hidden comment; past it only counts and hashes are kept. */
const STATE_MAX_BYTES = 16_000;
export const HISTORY_MAX_LINES = 20;
const HISTORY_LINE_MAX_BYTES = 600;
const NAMES_PER_LINE = 5;
export const HISTORY_HEADING = '## History';

const STATE_PATTERN = /<!-- converge:drift-state ([^>]*) -->/;
const HISTORY_LINE = /^- \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC — /;

/** A short hash of a value that is already free of secrets (see the drift report's `itemHash`). */
export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 10);
}

const entries = (items: ReadonlyMap<string, string>) => [...items].map(([key, hash]) => `${encodeURIComponent(key)}:${hash}`).join(',');

export function stateOf(items: readonly TrackedItem[], content: string): DriftState {
  const all = shortHash(items.map((i) => `${i.key}\u0000${i.hash}`).sort().join('\n'));
  const byKey = new Map(items.map((i) => [i.key, i.hash]));
  return { ...(byteLength(entries(byKey)) <= STATE_MAX_BYTES ? { items: byKey } : {}), count: items.length, all, content };
}

/** The hidden comment; `-->` cannot occur in it, since keys are URI-encoded. */
export function stateComment(state: DriftState): string {
  const listed = state.items ? ` items=${entries(state.items)}` : '';
  return `<!-- converge:drift-state v=1 n=${state.count} all=${state.all} content=${state.content}${listed} -->`;
}

export function parseState(body: string | undefined): DriftState | undefined {
  const match = body?.match(STATE_PATTERN);
  if (!match) return undefined;
  const fields = new Map(match[1]!.split(' ').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]));
  const count = Number(fields.get('n'));
  const all = fields.get('all');
  const content = fields.get('content');
  if (fields.get('v') !== '1' || !Number.isInteger(count) || !all || !content) return undefined;
  const listed = fields.get('items');
  if (listed === undefined) return { count, all, content };
  const items = new Map<string, string>();
  try {
    for (const entry of listed ? listed.split(',') : []) {
      const at = entry.lastIndexOf(':');
      items.set(decodeURIComponent(entry.slice(0, at)), entry.slice(at + 1));
    }
  } catch {
    return undefined; // not our encoding: start afresh
  }
  return { items, count, all, content };
}

/** The body's history lines, newest first: only lines in our own format, each bounded. */
export function parseHistory(body: string | undefined): string[] {
  if (!body) return [];
  const at = body.lastIndexOf(`\n${HISTORY_HEADING}\n\n`);
  if (at < 0) return [];
  const lines: string[] = [];
  for (const line of body.slice(at + HISTORY_HEADING.length + 3).split('\n')) {
    if (!HISTORY_LINE.test(line)) break;
    lines.push(truncateBytes(line, HISTORY_LINE_MAX_BYTES));
  }
  return lines;
}

/** `2026-12-03 14:02 UTC` */
export function formatWhen(when: Date): string {
  const iso = when.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function eventLine(when: string, event: string, entries: readonly string[]): string {
  const shown = entries.slice(0, NAMES_PER_LINE).join(', ');
  const more = entries.length > NAMES_PER_LINE ? ` and ${formatCount(entries.length - NAMES_PER_LINE)} more` : '';
  return truncateBytes(`- ${when} — ${event}: ${shown}${more}`, HISTORY_LINE_MAX_BYTES);
}

/**
 * The history lines this run adds, given the state the body had: what appeared, changed and
 * was resolved, one line per event. With no earlier state every item appeared. When either
 * set was too large to list, one line says the set changed.
 */
export function newEvents(previous: DriftState | undefined, current: readonly TrackedItem[], now: Date): string[] {
  const when = formatWhen(now);
  const entry = (item: TrackedItem) => `${code(item.key, 200)}${item.detail ? ` ${item.detail}` : ''}`;
  if (!previous) return current.length > 0 ? [eventLine(when, 'appeared', current.map(entry))] : [];
  const state = stateOf(current, '');
  if (!previous.items || !state.items) {
    if (previous.all === state.all) return [];
    return [`- ${when} — changed: ${formatCount(previous.count)} → ${formatCount(current.length)} items (too many to track one by one)`];
  }
  const before = previous.items;
  const appeared = current.filter((i) => !before.has(i.key));
  const changed = current.filter((i) => before.has(i.key) && before.get(i.key) !== i.hash);
  const keys = new Set(current.map((i) => i.key));
  const resolved = [...before.keys()].filter((key) => !keys.has(key));
  const lines: string[] = [];
  if (appeared.length > 0) lines.push(eventLine(when, 'appeared', appeared.map(entry)));
  if (changed.length > 0) lines.push(eventLine(when, 'changed', changed.map(entry)));
  if (resolved.length > 0) lines.push(eventLine(when, 'resolved', resolved.map((key) => code(key, 200))));
  return lines;
}

/** The history section: this run's lines, then the earlier ones, at most HISTORY_MAX_LINES. */
export function historySection(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `${HISTORY_HEADING}\n\n${lines.slice(0, HISTORY_MAX_LINES).join('\n')}`;
}
