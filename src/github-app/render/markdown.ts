/**
 * Markdown building blocks. Everything user-controlled (resource names, values, messages,
 * file paths) goes through `escapeMarkdown` or `code`, so a name such as `a|b`, a backtick
 * or `<script>` can neither break a table nor inject HTML.
 */
import { truncateText } from './budget.js';

// Line breaks and other control characters would end a table row or a heading.
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;
// What can start inline Markdown or HTML, end a table cell, or start math (`$`).
const SPECIAL = /[\\`*_[\]<>|~&!$]/g;

/** Plain text, on one line, that Markdown shows literally. */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(CONTROL, ' ')
      .replace(SPECIAL, '\\$&')
      // Block syntax, should the text ever start a line: a heading, list, quote or rule.
      .replace(/^([#>+=-])/, '\\$1')
      .replace(/^(\d+)([.)])/, '$1\\$2')
  );
}

/** Monospaced literal text; safe inside table cells (a backtick span is not: `\|` inside it). */
export function code(text: string, maxChars = 200): string {
  return `<code>${escapeMarkdown(truncateText(text, maxChars))}</code>`;
}

/** A plain-text message, on one line, truncated. */
export function text(message: string, maxChars = 500): string {
  return escapeMarkdown(truncateText(message, maxChars));
}

/** A fenced code block whose fence no line of the content can close. */
export function fenced(content: string, maxChars = 2_000): string {
  const body = truncateText(content, maxChars).replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${body}\n${fence}`;
}

/** A link when the URL is http(s), otherwise the label alone. */
export function link(label: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return label;
  const safe = url.replace(/[\s()<>"'`|\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${label}](${truncateText(safe, 2_000)})`;
}

/** `1234567` → `1,234,567`, independent of the process locale. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

export function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function tableHeader(cells: readonly string[], align?: readonly ('left' | 'right')[]): string {
  const rule = cells.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  return `${tableRow(cells)}\n${tableRow(rule)}`;
}
