import type { SourceLocation } from '../../core/diagnostics.js';
import type { Action, Change, FieldChange } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import { type Risk, riskOf } from '../../core/risk.js';
import { type BlockWriter, byteLength, fitLines } from './budget.js';
import { resourceLabel, verb } from './counts.js';
import { type ChangeGroup, fieldSources } from './groups.js';
import { code, formatCount, link, plural, tableHeader, tableRow, text } from './markdown.js';
import type { RenderContext } from './types.js';
import { formatValue } from './values.js';

/** Resources never take more than this, so one huge resource cannot crowd out the rest. */
export const SECTION_MAX_BYTES = 12_000;
const MAX_OWNERS = 10;

export interface SectionOptions {
  fileUrl?: RenderContext['fileUrl'];
  /** Shown before the action in the heading, e.g. "❌ Failed:". Markdown. */
  status?: string;
  /** The action the heading names, when not the change's own (drift on a renamed resource). */
  action?: Action;
  /** Extra paragraphs after the resource's details (an error message). Markdown. */
  notes?: string[];
  /** Show the change's risk (level and reason) under the heading when it is not routine. */
  showRisk?: boolean;
}

const RISK_BADGE: Record<Risk['level'], string> = { routine: '', sensitive: '⚠️ **Sensitive:**', destructive: '🛑 **Destructive:**' };

/** "🛑 **Destructive:** Deletes …", or undefined for a routine change. */
export function riskLine(change: Change): string | undefined {
  const risk = riskOf(change);
  return risk.level === 'routine' ? undefined : `${RISK_BADGE[risk.level]} ${text(risk.reason, 400)}`;
}

function fileLink(location: SourceLocation, fileUrl: RenderContext['fileUrl']): string {
  const where = text(`${location.file}:${location.line}`, 300);
  let url: string | undefined;
  try {
    url = fileUrl?.(location.file, location.line);
  } catch {
    url = undefined; // a broken link builder costs the link, not the check run
  }
  return link(where, url);
}

/** "Declared in [repos/api.yml:3](…)" and owners, on one line. */
export function metaLine(change: Change, fileUrl: RenderContext['fileUrl']): string {
  const parts: string[] = [];
  if (change.action === 'rename' && change.fromName !== undefined) parts.push(`Renamed from ${code(change.fromName, 300)}`);
  if (change.source) {
    const where = text(`${change.source.file}:${change.source.line}`, 300);
    if (change.origin === 'removed') {
      // The file (or the document in it) is gone at the planned commit: a link would 404.
      parts.push(`Was declared in ${where}`);
    } else {
      parts.push(`Declared in ${fileLink(change.source, fileUrl)}`);
    }
  }
  const fromDefaults = fieldSources({ members: [change], fields: change.fields });
  if (fromDefaults.length > 0) parts.push(`Set by defaults in ${fromDefaults.map((l) => fileLink(l, fileUrl)).join(', ')}`);
  if (change.owners.length > 0) {
    const shown = change.owners.slice(0, MAX_OWNERS).map((o) => code(o, 100));
    const more = change.owners.length > MAX_OWNERS ? ` and ${change.owners.length - MAX_OWNERS} more` : '';
    parts.push(`Owners: ${shown.join(', ')}${more}`);
  }
  return parts.join(' · ');
}

function originNote(change: Change): string | undefined {
  if (change.action !== 'delete') return undefined;
  if (change.origin === 'removed') return 'Removed from the configuration.';
  if (change.origin === 'extraneous') return 'Exists live but is not declared in the configuration.';
  return undefined;
}

/**
 * One resource: heading, where it is declared, its owners, and a before → after table of
 * `fields`, all within `maxBytes`. Rows that do not fit are counted, never cut. Returns
 * undefined when not even the heading fits.
 */
export function renderChangeSection(
  change: Change,
  fields: readonly FieldChange[],
  options: SectionOptions,
  maxBytes: number,
): string | undefined {
  const action = options.action ?? change.action;
  const blocked = change.blocked && action !== 'noop' ? ' (blocked)' : '';
  const status = options.status ? `${options.status} ` : '';
  const head = [`### ${status}${verb(action)}${blocked} ${resourceLabel(change)}`];
  const meta = metaLine(change, options.fileUrl);
  if (meta) head.push(meta);
  const note = originNote(change);
  if (note) head.push(note);
  const risk = options.showRisk ? riskLine(change) : undefined;
  if (risk) head.push(risk);
  if (change.blocked) head.push(`**Blocked:** ${text(change.blocked)}`);
  head.push(...(options.notes ?? []));
  return withFieldTable(head.join('\n\n'), action === 'create', fields, maxBytes);
}

/** A section's head, then the before → after table of `fields`, rows counted when they do not fit. */
function withFieldTable(top: string, creating: boolean, fields: readonly FieldChange[], maxBytes: number): string | undefined {
  const room = maxBytes - byteLength(top) - 2;
  if (room < 0) return undefined;
  if (fields.length === 0) return top;

  const header = creating ? tableHeader(['Field', 'Value']) : tableHeader(['Field', 'Before', 'After']);
  function* rows(): Generator<string> {
    for (const field of fields) {
      const path = code(field.path, 120);
      yield creating
        ? tableRow([path, formatValue(field.path, field.after)])
        : tableRow([path, formatValue(field.path, field.before), formatValue(field.path, field.after)]);
    }
  }
  // A blank line ends the table before the closing line, or the line would become a row.
  const more = (left: number) => `\n_… and ${plural(left, 'more field')} not shown_`;
  const fitted = fitLines(rows(), fields.length, room - byteLength(header) - 1, more);
  if (fitted.shown > 0) return `${top}\n\n${header}\n${fitted.text}`;
  const closing = more(fields.length).trimStart();
  return byteLength(closing) <= room ? `${top}\n\n${closing}` : top;
}

const GROUP_NAME_BYTES = 3_000;

/**
 * Several identical changes as one section: how many, their names (all of them when `allNames`,
 * as risky groups need; else as many as fit a few lines), where the shared fields are declared
 * (the defaults line for a fan-out), and the field table once. Returns the section and how many
 * members it names, or undefined when not even the heading fits.
 */
export function renderGroupSection(
  group: ChangeGroup,
  options: SectionOptions & { allNames?: boolean },
  maxBytes: number,
): { text: string; named: number } | undefined {
  const first = group.members[0]!;
  if (group.members.length === 1) {
    const single = renderChangeSection(first, group.fields, options, maxBytes);
    return single === undefined ? undefined : { text: single, named: 1 };
  }
  const action = options.action ?? first.action;
  const blocked = first.blocked && action !== 'noop' ? ' (blocked)' : '';
  const status = options.status ? `${options.status} ` : '';
  const head = [`### ${status}${verb(action)}${blocked} ${formatCount(group.members.length)} × ${code(first.kind, 80)}`];
  const meta: string[] = [];
  const sources = fieldSources(group);
  if (sources.length > 0) meta.push(`Set by defaults in ${sources.map((l) => fileLink(l, options.fileUrl)).join(', ')}`);
  const owners = [...new Set(group.members.flatMap((m) => m.owners))];
  if (owners.length > 0) meta.push(`Owners: ${owners.slice(0, MAX_OWNERS).map((o) => code(o, 100)).join(', ')}${owners.length > MAX_OWNERS ? ` and ${owners.length - MAX_OWNERS} more` : ''}`);
  if (meta.length > 0) head.push(meta.join(' · '));
  const risk = options.showRisk ? riskLine(first) : undefined;
  // Deletions group by kind whatever their reasons say; the group's reason counts them.
  if (risk) head.push(first.action === 'delete' ? `${RISK_BADGE.destructive} Deletes ${plural(group.members.length, 'resource')} of kind ${code(first.kind, 80)}.` : risk);
  if (first.blocked) head.push(`**Blocked:** ${text(first.blocked)}`);
  head.push(...(options.notes ?? []));
  const table = withFieldTable('', action === 'create', group.fields, maxBytes);
  const tableBytes = table === undefined ? 0 : byteLength(table);
  const nameRoom = maxBytes - byteLength(head.join('\n\n')) - tableBytes - 8;
  const names = fitLines(
    (function* () {
      for (const member of group.members) yield `${code(resourceKey(member).slice(first.kind.length + 1), 200)},`;
    })(),
    group.members.length,
    options.allNames ? nameRoom : Math.min(nameRoom, GROUP_NAME_BYTES),
    (left) => (options.allNames ? `_and ${formatCount(left)} more in the next section_` : `_and ${formatCount(left)} more_`),
  );
  if (names.shown === 0) return undefined;
  // Names on one wrapped paragraph: newlines inside a paragraph render as spaces.
  const list = names.text.replace(/,$/, '').replace(/,\n_and/, ' _and');
  // The table before the names: what changes matters more than the hundredth name.
  const out = [...head, ...(table ? [table.trimStart()] : []), list].join('\n\n');
  if (byteLength(out) > maxBytes) return undefined;
  return { text: out, named: options.allNames ? names.shown : group.members.length };
}

/**
 * Render items one by one into `out` until `maxCount` or the budget is spent, then one line
 * saying how many were left out. Items past the cut are never rendered, so the cost follows
 * what is shown, not the size of the plan. `reserve` is kept free for what follows.
 */
export function appendSections<T>(
  out: BlockWriter,
  items: readonly T[],
  render: (item: T, maxBytes: number) => string | undefined,
  moreLine: (left: number) => string,
  options: { reserve?: number; maxCount?: number } = {},
): number {
  const reserve = options.reserve ?? 0;
  const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
  const closingRoom = byteLength(moreLine(items.length)) + 2;
  let shown = 0;
  for (const item of items) {
    if (shown >= maxCount) break;
    const last = shown + 1 === items.length;
    const keep = reserve + (last ? 0 : closingRoom);
    const room = Math.min(out.room(keep), SECTION_MAX_BYTES);
    if (room <= 0) break;
    const section = render(item, room);
    if (section === undefined || !out.add(section, keep)) break;
    shown++;
  }
  if (shown < items.length) out.add(moreLine(items.length - shown), reserve);
  return shown;
}
