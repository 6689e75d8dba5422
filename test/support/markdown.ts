/**
 * Markdown as a reader on GitHub sees it: rendered with GitHub's flavour (tables, no hard
 * breaks on single newlines, as in check runs, comments and issues), then read back as
 * structure: headings, tables, links and the visible text. Tests assert on this instead of on
 * Markdown source, so an unescaped pipe, a stray `**` or a broken link shows up as it would
 * on the page. No browser: `marked` renders, and `parse5` reads the HTML as a browser would
 * (a misnested `<code>` split across cells ends where a browser ends it).
 */
import { Marked, type Token, type Tokens } from 'marked';
import { type DefaultTreeAdapterTypes, defaultTreeAdapter as tree, parseFragment } from 'parse5';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

export interface Heading {
  level: number;
  text: string;
}

export interface Table {
  header: string[];
  rows: string[][];
  /**
   * Cells per line as written in the Markdown (header, delimiter row, then each row). GitHub
   * pads a short row and drops extra cells without a sign, so only the source shows a cell
   * an unescaped `|` split off or a row that lost one.
   */
  written: number[];
}

export interface Link {
  text: string;
  href: string | undefined;
}

export interface RenderedMarkdown {
  html: string;
  /** In document order. */
  headings: Heading[];
  tables: Table[];
  links: Link[];
  /** The visible text, blocks on their own lines; HTML comments are invisible, as in a browser. */
  text: string;
}

const gfm = new Marked({ gfm: true, breaks: false, async: false });

/** GitHub-flavoured Markdown to HTML, as GitHub renders check-run output, comments and issues. */
export function markdownToHtml(markdown: string): string {
  return gfm.parse(markdown, { async: false });
}

/** Cells on one table line: GFM splits on every `|` not escaped by a backslash, even inside code. */
function writtenCells(line: string): number {
  const cells = line.trim().split(/(?<!\\)\|/);
  if (cells[0]?.trim() === '') cells.shift();
  if (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells.length;
}

function writtenTables(markdown: string): number[][] {
  const tables: number[][] = [];
  gfm.walkTokens(gfm.lexer(markdown), (token: Token) => {
    if (token.type !== 'table') return;
    const lines = (token as Tokens.Table).raw.split('\n').filter((line) => line.trim() !== '');
    tables.push(lines.map(writtenCells));
  });
  return tables;
}

const childrenOf = (node: Node): Node[] => ('childNodes' in node ? node.childNodes : []);

/** The elements under `node` with one of `tags`, in document order. */
function select(node: Node, ...tags: string[]): Element[] {
  const found: Element[] = [];
  const visit = (n: Node) => {
    for (const child of childrenOf(n)) {
      if (tree.isElementNode(child) && tags.includes(tree.getTagName(child))) found.push(child);
      visit(child);
    }
  };
  visit(node);
  return found;
}

/** The text a browser shows; comments have none. */
function textOf(node: Node): string {
  return tree.isTextNode(node) ? tree.getTextNodeContent(node) : childrenOf(node).map(textOf).join('');
}

const trimmedText = (node: Node) => textOf(node).trim();

export function renderMarkdown(markdown: string): RenderedMarkdown {
  const html = markdownToHtml(markdown);
  const root = parseFragment(html);
  const written = writtenTables(markdown);
  const tables = select(root, 'table');
  if (tables.length !== written.length) throw new Error(`marked rendered ${tables.length} tables from ${written.length} table tokens`);
  return {
    html,
    headings: select(root, 'h1', 'h2', 'h3', 'h4', 'h5', 'h6').map((h) => ({ level: Number(h.tagName.slice(1)), text: trimmedText(h) })),
    tables: tables.map((table, i) => ({
      header: select(table, 'thead').flatMap((head) => select(head, 'th')).map(trimmedText),
      rows: select(table, 'tbody').flatMap((body) => select(body, 'tr')).map((row) => select(row, 'td').map(trimmedText)),
      written: written[i]!,
    })),
    links: select(root, 'a').map((a) => ({ text: trimmedText(a), href: a.attrs.find((attr) => attr.name === 'href')?.value })),
    text: textOf(root),
  };
}
