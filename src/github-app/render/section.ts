import type { Action, Change, FieldChange } from '../../core/plan-types.js';
import { type BlockWriter, byteLength, fitLines } from './budget.js';
import { resourceLabel, verb } from './counts.js';
import { code, link, plural, tableHeader, tableRow, text } from './markdown.js';
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
      let url: string | undefined;
      try {
        url = fileUrl?.(change.source.file, change.source.line);
      } catch {
        url = undefined; // a broken link builder costs the link, not the check run
      }
      parts.push(`Declared in ${link(where, url)}`);
    }
  }
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
  if (change.blocked) head.push(`**Blocked:** ${text(change.blocked)}`);
  head.push(...(options.notes ?? []));
  const top = head.join('\n\n');
  const room = maxBytes - byteLength(top) - 2;
  if (room < 0) return undefined;
  if (fields.length === 0) return top;

  const creating = action === 'create';
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
