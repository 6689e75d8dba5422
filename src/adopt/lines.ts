/**
 * Keeps a re-serialized YAML document's untouched lines byte for byte as the user wrote them.
 * `yaml` keeps comments, order and quoting, but normalizes spacing (two spaces before a
 * comment become one, `{color: x}` becomes `{ color: x }`): lines equal but for that spacing
 * are taken from the original, so only the lines whose content changed differ.
 */

/** A line's content without the spacing `yaml` is free to change. */
const normalized = (line: string) => line.replace(/\s+/g, ' ').replace(/\s*([{}[\],#])\s*/g, '$1').trim();

/** Past this many line pairs the alignment costs more than it saves: the new text is used as it is. */
const MAX_CELLS = 4_000_000;

/**
 * The longest common subsequence table of two line lists, filled from the end so that it is
 * read forwards: `table[i * width + j]` is the length for `a[i..]` and `b[j..]`.
 */
function commonTable(a: readonly string[], b: readonly string[]): { table: Uint32Array; width: number } {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  return { table, width };
}

/** `next` with every line that matches an original line (aligned in order) replaced by that original. */
export function keepOriginalLines(original: string, next: string): string {
  const a = original.split('\n');
  const b = next.split('\n');
  if (a.length * b.length > MAX_CELLS) return next;
  const na = a.map(normalized);
  const nb = b.map(normalized);
  const { table, width } = commonTable(na, nb);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (j < b.length) {
    if (i < a.length && na[i] === nb[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (i < a.length && table[(i + 1) * width + j]! >= table[i * width + j + 1]!) i++;
    else out.push(b[j++]!);
  }
  return out.join('\n');
}

/** The lines that differ between two texts, as `-`/`+` lines in order: what a reviewer sees in the PR. */
export function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const { table, width } = commonTable(a, b);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && table[(i + 1) * width + j]! >= table[i * width + j + 1]!)) out.push(`-${a[i++]}`);
    else out.push(`+${b[j++]}`);
  }
  return out;
}
