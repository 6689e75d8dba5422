/**
 * Byte budgets. GitHub rejects a check-run `output.summary` or `output.text` over 65,535
 * (measured as bytes), and a rejected update leaves the check pending forever. Output is
 * therefore assembled from whole blocks that are measured before they are added: nothing is
 * rendered past the budget and nothing is cut afterwards, so Markdown is never broken.
 */

/** GitHub's limit for `output.summary` and `output.text`. */
export const GITHUB_OUTPUT_LIMIT = 65_535;
/** What we allow ourselves, with a margin under the limit. */
export const OUTPUT_BUDGET = 65_000;

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** At most `maxChars` code points of `text`, ending with `…` when something was cut. */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let index = 0;
  for (let count = 0; index < text.length && count < maxChars; count++) {
    index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  }
  return index >= text.length ? text : `${text.slice(0, index)}…`;
}

/** At most `maxBytes` UTF-8 bytes of `text`, cut on a code point boundary, ending with `…`. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  const room = maxBytes - 3; // the ellipsis is 3 bytes
  let bytes = 0;
  let index = 0;
  while (index < text.length) {
    const cp = text.codePointAt(index) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > room) break;
    bytes += size;
    index += cp > 0xffff ? 2 : 1;
  }
  return room > 0 ? `${text.slice(0, index)}…` : '';
}

/**
 * Whole blocks joined by blank lines, never more than `limit` bytes. A block that does not
 * fit is refused, not cut. `reserve` keeps room for what must still follow (a closing line).
 */
export class BlockWriter {
  private readonly blocks: string[] = [];
  private used = 0;

  constructor(readonly limit: number = OUTPUT_BUDGET) {}

  /** Bytes a next block may take, separator included, keeping `reserve` free. */
  room(reserve = 0): number {
    return this.limit - this.used - reserve - (this.blocks.length > 0 ? 2 : 0);
  }

  add(block: string, reserve = 0): boolean {
    if (block === '') return true;
    const size = byteLength(block);
    if (size > this.room(reserve)) return false;
    this.used += size + (this.blocks.length > 0 ? 2 : 0);
    this.blocks.push(block);
    return true;
  }

  get bytes(): number {
    return this.used;
  }

  toString(): string {
    return this.blocks.join('\n\n');
  }
}

export interface FittedLines {
  text: string;
  shown: number;
}

/**
 * Whole lines, joined by newlines, within `maxBytes`. Lines come from an iterator so only
 * what fits is ever produced. When some of `total` lines are left out, the result ends with
 * `more(left)`, whose room is reserved up front. With no room even for that, `text` is ''.
 */
export function fitLines(
  lines: Iterable<string>,
  total: number,
  maxBytes: number,
  more: (left: number) => string,
  maxLines = Number.POSITIVE_INFINITY,
): FittedLines {
  const reserve = byteLength(more(total)) + 1;
  const out: string[] = [];
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    if (shown >= maxLines) break;
    const size = byteLength(line) + (out.length > 0 ? 1 : 0);
    // The last line needs no room for the closing line.
    const needsReserve = shown + 1 < total ? reserve : 0;
    if (used + size + needsReserve > maxBytes) break;
    out.push(line);
    used += size;
    shown++;
  }
  if (shown < total) {
    const closing = more(total - shown);
    if (used + byteLength(closing) + 1 > maxBytes) return { text: '', shown: 0 };
    out.push(closing);
  }
  return { text: out.join('\n'), shown };
}
