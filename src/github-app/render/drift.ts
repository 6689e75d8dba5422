/**
 * Drift issues and the full run's check run. A full run reports what it found in the live
 * system, not what a merge would do, so this has its own words: an item is *drifted* (live
 * differs from the declared value), *extraneous* (found live, not declared) or *missing*
 * (declared, not found live), with its live and declared values, its owners, and one line per
 * way to resolve it. An issue body is edited in place: it keeps a dated history, and one whose
 * items did not change comes back byte for byte, so an unchanged report edits nothing.
 */
import type { Change, ChangeResult, ReadFailure } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import { driftModeOf } from '../../config/schema.js';
import { riskOf, riskRank } from '../../core/risk.js';
import { BlockWriter, OUTPUT_BUDGET, byteLength, fitLines, truncateText } from './budget.js';
import {
  type DriftState,
  type TrackedItem,
  formatWhen,
  historySection,
  newEvents,
  parseHistory,
  parseState,
  shortHash,
  stateComment,
  stateOf,
} from './drift-history.js';
import { attributionLine, itemsComment, parseItems, type Attribution } from './drift-items.js';
import { code, formatCount, link, plural, tableHeader, tableRow, text } from './markdown.js';
import { renderFailure } from './plan.js';
import { renderResults } from './results.js';
import { appendSections } from './section.js';
import { LIST_MAX_BYTES } from './summary-blocks.js';
import type { CheckOutput, RenderContext } from './types.js';
import { boundedJson, formatValue, isSensitivePath, looksSecret } from './values.js';

export type DriftCategory = 'drifted' | 'extraneous' | 'missing';
type DriftMode = 'report' | 'revert' | 'adopt';

/** Room kept for the marker line the issue sync puts first. */
const BODY_BUDGET = OUTPUT_BUDGET - 1_000;
const MAX_OWNERS = 10;
const LIVE_SUMMARY_CHARS = 300;
const LIST_LINES = 30;

/**
 * What a full-run change is, in the report's words. A deletion in a full run is of something
 * found live and not declared; a creation, of something declared and not found live; any other
 * change (an update, a rename) means live differs from the declared value.
 */
export function driftCategory(change: Change): DriftCategory {
  if (change.action === 'delete') return 'extraneous';
  if (change.action === 'create') return 'missing';
  return 'drifted';
}

const HEADING: Record<DriftCategory, string> = { drifted: 'Drifted', extraneous: 'Extraneous', missing: 'Missing' };
const MEANING: Record<DriftCategory, string> = {
  drifted: 'Live differs from the configuration.',
  extraneous: 'Found live, not declared in the configuration.',
  missing: 'Declared in the configuration, not found live.',
};

/** "3 items: 1 drifted, 1 extraneous, 1 missing, 1 could not be read" without the total. */
export function itemCounts(changes: readonly Change[], readFailures: readonly ReadFailure[]): string {
  const counts: Record<DriftCategory, number> = { drifted: 0, extraneous: 0, missing: 0 };
  for (const change of changes) counts[driftCategory(change)]++;
  const parts = (['drifted', 'extraneous', 'missing'] as const).filter((c) => counts[c] > 0).map((c) => `${formatCount(counts[c])} ${c}`);
  if (readFailures.length > 0) parts.push(`${formatCount(readFailures.length)} could not be read`);
  return parts.join(', ');
}

/** The single drift issue's title; it changes only when the number of items does. */
export function driftIssueTitle(changes: readonly Change[], readFailures: readonly ReadFailure[]): string {
  if (changes.length === 0) return `Drift: ${plural(readFailures.length, 'resource')} could not be read`;
  return `Drift: ${plural(changes.length, 'resource')} ${changes.length === 1 ? 'differs' : 'differ'} from the configuration`;
}

// A GitHub login (up to 39 characters, no leading hyphen), optionally `/team-slug`.
const HANDLE = /^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$/;

/**
 * An owner as the issue shows it. A value starting with `@` names a GitHub user or team on
 * purpose, so it stays an @-mention and notifies them. A plain `team` or `user` may be no
 * GitHub login at all, or someone else's, so it is shown as code and notifies nobody; so is a
 * value that starts with `@` but is no valid handle.
 */
export function ownerMention(owner: string): string {
  return HANDLE.test(owner) ? owner : code(owner, 100);
}

function ownersLine(owners: readonly string[]): string | undefined {
  if (owners.length === 0) return undefined;
  const more = owners.length > MAX_OWNERS ? ` and ${owners.length - MAX_OWNERS} more` : '';
  return `Owners: ${owners.slice(0, MAX_OWNERS).map(ownerMention).join(', ')}${more}`;
}

export interface DriftReportInput {
  /** What the full run left: drifted, extraneous and missing resources. */
  changes: readonly Change[];
  /** Resources whose live state could not be read. */
  readFailures?: readonly ReadFailure[];
  /** converge.yml `drift`: which kinds a full run reverts, for the lines on how to resolve. */
  drift: { mode: DriftMode; kinds: Readonly<Record<string, DriftMode>> };
  /** The full run this report comes from. */
  run: { sha: string; checkRunUrl?: string; commitUrl?: string };
  /** converge.yml `owners`: shown for items whose resource names none (extraneous ones). */
  defaultOwners?: readonly string[];
  fileUrl?: RenderContext['fileUrl'];
  /** The issue's body as it stands, without the sync's marker; absent for a new issue. */
  previous?: string;
  /** When this run reports: history lines carry it. */
  now: Date;
  /**
   * Who changed which item, by resource key, from GitHub's events. An item without one keeps
   * the one the issue showed while it is unchanged; else it was found by the full run.
   */
  attribution?: ReadonlyMap<string, Attribution>;
  /** History lines this report adds on top of what appeared, changed and was resolved (reverts). */
  events?: readonly string[];
  /** A drift check of a few resources after GitHub's events, not a full run: the intro says so. */
  byEvent?: boolean;
}


type Item = { change: Change; failure?: undefined } | { change?: undefined; failure: ReadFailure };

const keyOf = (item: Item) => resourceKey(item.change ?? item.failure);

/** A value for hashing: masked like a table cell, so no secret's hash reaches a public issue. */
function hashable(path: string, value: unknown): string {
  if (isSensitivePath(path)) return 'sensitive';
  const json = boundedJson(value, 10_000);
  return looksSecret(json) ? 'sensitive' : json;
}

function tracked(item: Item): TrackedItem {
  const key = keyOf(item);
  if (item.failure) return { key, hash: shortHash(`failure\u0000${item.failure.code}\u0000${item.failure.message}`), detail: '(could not be read)' };
  const { change } = item;
  const category = driftCategory(change);
  if (category === 'extraneous') return { key, hash: shortHash(`extraneous\u0000${hashable('', change.actual)}`), detail: '(found live)' };
  const fields = change.fields.map((f) => `${f.path}\u0000${hashable(f.path, f.before)}\u0000${hashable(f.path, f.after)}`);
  const detail = category === 'missing' ? '(missing)' : `(${truncateText(change.fields.map((f) => f.path).join(', '), 120)})`;
  return { key, hash: shortHash(`${category}\u0000${change.fromName ?? ''}\u0000${fields.join('\n')}`), detail: text(detail, 200) };
}

/** Everything the body says about its items but links and history: what decides an edit. */
function contentHash(items: readonly Item[], trackedItems: readonly TrackedItem[], input: DriftReportInput): string {
  const parts = items.map((item, i) => {
    const by = input.attribution?.get(trackedItems[i]!.key);
    const change = item.change;
    const mode = driftModeOf(input.drift, (change ?? item.failure).kind);
    const where = change?.source ? `${change.source.file}:${change.source.line}` : '';
    return [trackedItems[i]!.key, trackedItems[i]!.hash, mode, where, change?.owners.join(',') ?? '', change?.blocked ?? '', change ? riskOf(change).level : '', by ? `${by.by}@${by.at}` : ''].join('\u0000');
  });
  return shortHash([...parts, (input.defaultOwners ?? []).join(',')].join('\n'));
}

function declaredIn(change: Change, fileUrl: RenderContext['fileUrl']): string | undefined {
  if (!change.source) return undefined;
  const where = text(`${change.source.file}:${change.source.line}`, 300);
  let url: string | undefined;
  try {
    url = fileUrl?.(change.source.file, change.source.line);
  } catch {
    url = undefined; // a broken link builder costs the link, not the report
  }
  return link(where, url);
}

const FULL_RUN = '<code>/converge full-run</code>';

/** How to resolve a change, one short line per way. */
function resolveLines(change: Change, input: DriftReportInput, where: string | undefined): string[] {
  const category = driftCategory(change);
  const kind = code(change.kind, 80);
  const fields = change.fields.map((f) => code(f.path, 80)).join(', ');
  const held = change.blocked ? ` (held back now: ${text(change.blocked, 200)})` : '';
  const undo = category === 'extraneous' ? 'deletes it' : category === 'missing' ? 'creates it' : 'restores the declared values';
  const viaPr = category === 'extraneous' || !where ? '' : `, or merge a PR that touches ${where}`;
  const revert =
    driftModeOf(input.drift, change.kind) === 'revert'
      ? `**Revert:** an admin comments ${FULL_RUN} here: ${kind} drift is in <code>revert</code> mode, so the run ${undo}${held}.`
      : `**Revert:** set <code>drift.kinds: { ${text(change.kind, 80)}: revert }</code> (or <code>drift.mode: revert</code>) in converge.yml and comment ${FULL_RUN}${viaPr}${held}.`;
  const lines = [revert];
  if (category === 'drifted') {
    lines.push(`**Declare it by PR:** set ${fields} to the live value in ${where ?? 'its resource file'}.`);
    lines.push(`**Exclude it:** list ${fields} under the resource's <code>lifecycle.ignoreFields</code>.`);
  } else if (category === 'missing') {
    lines.push(`**Declare it by PR:** remove it from ${where ?? 'its resource file'} if it should not exist.`);
  } else {
    const target = change.target === 'default' ? '' : `, <code>target: ${text(change.target, 80)}</code>`;
    lines.push(`**Declare it by PR:** add a resource file with <code>kind: ${text(change.kind, 80)}</code>, <code>name: ${text(change.name, 200)}</code>${target}.`);
    lines.push(`**Exclude it by scope:** add ${code(change.name, 200)} to <code>scope.${text(change.kind, 80)}.exclude</code> in converge.yml.`);
  }
  return lines.map((line) => `- ${line}`);
}

const RISK_BADGE = { sensitive: '⚠️', destructive: '🛑' } as const;

/** The head of a change's section: heading, what it means, where, owners, risk. */
function changeHead(change: Change, input: DriftReportInput, where: string | undefined): string[] {
  const category = driftCategory(change);
  const risk = riskOf(change);
  const badge = risk.level === 'routine' ? '' : `${RISK_BADGE[risk.level]} `;
  const head = [`### ${badge}${HEADING[category]}: ${code(resourceKey(change), 300)}`];
  const meta = [MEANING[category]];
  if (change.action === 'rename' && change.fromName !== undefined) meta.push(`Live name: ${code(change.fromName, 300)}`);
  if (where) meta.push(`Declared in ${where}`);
  const owners = ownersLine(change.owners.length > 0 ? change.owners : (input.defaultOwners ?? []));
  if (owners) meta.push(owners);
  head.push(meta.join(' · '));
  head.push(attributionLine(input.attribution?.get(resourceKey(change)), input.now));
  if (risk.level !== 'routine') head.push(`${badge}**${risk.level === 'destructive' ? 'Destructive' : 'Sensitive'} to revert:** ${text(risk.reason, 400)}`);
  return head;
}

/** Field | Live | Declared rows, or Field | Declared for a missing resource, within `maxBytes`. */
function fieldTable(change: Change, maxBytes: number): string {
  const missing = driftCategory(change) === 'missing';
  const header = missing ? tableHeader(['Field', 'Declared']) : tableHeader(['Field', 'Live', 'Declared']);
  function* rows(): Generator<string> {
    for (const f of change.fields) {
      const path = code(f.path, 120);
      yield missing ? tableRow([path, formatValue(f.path, f.after)]) : tableRow([path, formatValue(f.path, f.before), formatValue(f.path, f.after)]);
    }
  }
  // A blank line ends the table before the closing line, or the line would become a row.
  const more = (left: number) => `\n_… and ${plural(left, 'more field')} not shown_`;
  const fitted = fitLines(rows(), change.fields.length, maxBytes - byteLength(header) - 1, more);
  return fitted.shown > 0 ? `${header}\n${fitted.text}` : '';
}

function changeSection(change: Change, input: DriftReportInput, maxBytes: number): string | undefined {
  const where = declaredIn(change, input.fileUrl);
  const top = changeHead(change, input, where);
  if (driftCategory(change) === 'extraneous') top.push(`**Live:** ${formatValue('', change.actual ?? {}, LIVE_SUMMARY_CHARS)}`);
  const resolve = resolveLines(change, input, where).join('\n');
  const fixed = byteLength(top.join('\n\n')) + byteLength(resolve) + 4;
  if (fixed > maxBytes) return undefined;
  const table = change.fields.length > 0 && driftCategory(change) !== 'extraneous' ? fieldTable(change, maxBytes - fixed - 2) : '';
  return [...top, table, resolve].filter(Boolean).join('\n\n');
}

function failureSection(failure: ReadFailure, maxBytes: number): string | undefined {
  const retry = failure.retryable
    ? `- **Retry:** a later full run reads it again; an admin can comment ${FULL_RUN} to do so now.`
    : `- **Resolve:** give the app access to it (or exclude it by <code>scope</code> in converge.yml), then comment ${FULL_RUN}.`;
  const section = [`### Could not be read: ${code(resourceKey(failure), 300)}`, `Its live state is unknown: ${text(failure.message, 500)}`, retry].join('\n\n');
  return byteLength(section) <= maxBytes ? section : undefined;
}

/** Risky items first (destructive, then sensitive), then the rest, then what could not be read; stable otherwise. */
function ordered(input: DriftReportInput): Item[] {
  const changes = input.changes.map((change, i) => ({ change, i, rank: riskRank(riskOf(change).level) }));
  changes.sort((a, b) => b.rank - a.rank || a.i - b.i);
  return [...changes.map(({ change }) => ({ change })), ...(input.readFailures ?? []).map((failure) => ({ failure }))];
}

/**
 * Who changed each item: this report's attribution, else what the issue showed for an item
 * whose report is unchanged (the same change, still there), else nobody (the full run found it).
 */
function carriedAttribution(input: DriftReportInput, trackedItems: readonly TrackedItem[]): Map<string, Attribution> {
  const out = new Map<string, Attribution>();
  const previous = parseItems(input.previous)?.attribution;
  const hashes = parseState(input.previous)?.items;
  for (const item of trackedItems) {
    const given = input.attribution?.get(item.key);
    const carried = previous?.get(item.key);
    if (given) out.set(item.key, given);
    else if (carried && hashes?.get(item.key) === item.hash) out.set(item.key, carried);
  }
  return out;
}

/**
 * A drift issue's body within the byte budget: the counts, each item with how to resolve it,
 * the history, and the hidden state the next run compares against. When the items, and all
 * the body says about them, are those of `previous`, `previous` comes back unchanged.
 */
export function renderDriftReport(given: DriftReportInput): string {
  const items = ordered(given);
  const trackedItems = items.map(tracked);
  const input = { ...given, attribution: carriedAttribution(given, trackedItems) };
  const state: DriftState = stateOf(trackedItems, contentHash(items, trackedItems, input));
  const previousState = parseState(input.previous);
  const events = [...(input.events ?? []), ...newEvents(previousState, trackedItems, input.now)];
  if (input.previous !== undefined && previousState?.content === state.content && events.length === 0) return input.previous;

  const kept = itemsComment({ changes: [...input.changes], readFailures: [...(input.readFailures ?? [])], attribution: input.attribution });
  const tail = [historySection([...events, ...parseHistory(input.previous)]), [stateComment(state), kept].filter(Boolean).join('\n')].filter(Boolean).join('\n\n');
  const out = new BlockWriter(BODY_BUDGET);
  const total = items.length;
  out.add(`**${plural(total, 'item')}:** ${itemCounts(input.changes, input.readFailures ?? [])}`);
  const run = link('full run', input.run.checkRunUrl);
  const commit = link(code(input.run.sha.slice(0, 7), 40), input.run.commitUrl);
  const found = input.changes.length > 0 ? 'The live state differs from the configuration.' : 'The live state could not be read.';
  // Only a body that changed is rendered (see above), so "last changed" is this run.
  const by = input.byEvent ? `a drift check after GitHub reported a change, against ${commit}` : `the ${run} at ${commit}`;
  out.add(`${found} Last changed ${formatWhen(input.now)} by ${by}. Each full run and drift check edits this issue in place and closes it once nothing is left.`);
  appendSections(
    out,
    items,
    (item, max) => (item.change ? changeSection(item.change, input, max) : failureSection(item.failure, max)),
    (left) => `_… and ${plural(left, 'more item')} not shown: GitHub limits an issue body to 65,536 characters._`,
    { reserve: byteLength(tail) + 2 },
  );
  out.add(tail);
  return out.toString();
}

export interface FullRunOutputInput {
  /** The attempt to revert drift of kinds in `revert` mode, one result per change. */
  reverted: readonly ChangeResult[];
  /** What is left for the drift issues. */
  remaining: readonly Change[];
  readFailures: readonly ReadFailure[];
  /** The drift issues that now carry the report. */
  issues: ReadonlyArray<{ number: number; url: string }>;
  context?: Pick<RenderContext, 'description' | 'fileUrl'>;
  /** Set when `limits.maxUpdatesPerRun` held the run: it reverted nothing. `limit` as limitLabel reads. */
  updateLimit?: { requested: number; limit: string };
}

/** Why a full run past the update limit reverted nothing, with the numbers and the way out. */
function updateLimitLine(held: NonNullable<FullRunOutputInput['updateLimit']>): string {
  return (
    `⛔ **Nothing reverted: this run would update ${plural(held.requested, 'resource')}, more than \`maxUpdatesPerRun\` (${held.limit}) allows in one run.** ` +
    'Every change stays in the drift issue. An admin can lift the limit for one run by commenting `/converge full-run --allow-updates`.'
  );
}

function remainingList(input: FullRunOutputInput): string {
  const total = input.remaining.length + input.readFailures.length;
  function* lines(): Generator<string> {
    for (const change of input.remaining) yield `- ${driftCategory(change)}: ${code(resourceKey(change), 300)}`;
    for (const failure of input.readFailures) yield `- could not be read: ${code(resourceKey(failure), 300)}: ${text(failure.message, 300)}`;
  }
  return fitLines(lines(), total, LIST_MAX_BYTES, (left) => `- … and ${formatCount(left)} more`, LIST_LINES).text;
}

function renderOutput(input: FullRunOutputInput): CheckOutput {
  const applied = input.reverted.filter((r) => r.status === 'applied').length;
  const left = input.remaining.length + input.readFailures.length;
  const where = input.issues.map((i) => link(`#${i.number}`, i.url)).join(', ');
  const counts = itemCounts(input.remaining, input.readFailures);
  const numbers = input.issues.length > 0 ? ` (${input.issues.map((i) => `#${i.number}`).join(', ')})` : '';
  const title = `${input.updateLimit ? 'Held by maxUpdatesPerRun: ' : ''}${formatCount(applied)} reverted, ${left === 0 ? 'no drift left' : `${counts} left${numbers}`}`;

  const summary = new BlockWriter(OUTPUT_BUDGET);
  if (input.updateLimit) summary.add(updateLimitLine(input.updateLimit));
  if (left > 0) {
    const reverted = applied > 0 ? ` ${plural(applied, 'resource')} reverted to the configuration.` : '';
    const state = input.remaining.length > 0 ? 'The live state differs from the configuration' : 'The live state could not be read';
    summary.add(`⚠️ **${plural(left, 'item')} left: ${counts}.** ${state}${where ? `; see ${where}` : ''}.${reverted}`);
  } else if (applied > 0) {
    summary.add(`✅ **${plural(applied, 'resource')} reverted.** The live state now matches the configuration.`);
  } else {
    summary.add('✅ **No drift.** The live state matches the configuration.');
  }
  if (input.context?.description) summary.add(`_${text(input.context.description, 300)}_`);
  if (left > 0) summary.add(remainingList(input));

  let details = left > 0 ? `Nothing was reverted. What is left is in ${where || 'the drift issue'}.` : 'Nothing was reverted.';
  if (input.reverted.length > 0) {
    const results = renderResults({ results: [...input.reverted], context: { subject: 'commit', ...(input.context?.fileUrl ? { fileUrl: input.context.fileUrl } : {}) } });
    // A revert that failed or was held back leaves its item in `remaining`: the verdict above counts it.
    if (!summary.add(`## Reverting\n\n${results.summary}`)) summary.add(`## Reverting\n\n${text(results.title)}: the details follow.`);
    details = results.text;
  }
  return { title: truncateText(title, 200), summary: summary.toString(), text: details, annotations: [], conclusion: left === 0 ? 'success' : 'neutral' };
}

/**
 * The full run's check run: a title and a summary that say the same (what was reverted, what
 * is left and which issue has it), and the reverted changes in detail. Never throws.
 */
export function renderFullRunOutput(input: FullRunOutputInput): CheckOutput {
  try {
    return renderOutput(input);
  } catch (error) {
    return renderFailure('The full run could not be rendered', error, 'neutral');
  }
}
