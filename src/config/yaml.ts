import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceLocation } from '../core/diagnostics.js';

/** One YAML document of a file, with what is needed to point at its lines. */
export interface YamlDocument {
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  value: unknown;
  /** Where the document's content starts. */
  start: SourceLocation;
  /** Location of a value (or, with `key`, of that key) by path; falls back to the nearest parent. */
  locate(path: readonly PropertyKey[], key?: string): SourceLocation;
}

export interface ParsedFile {
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function makeLocate(file: string, doc: Document, lines: LineCounter) {
  const at = (offset: number, end?: number): SourceLocation => {
    const start = lines.linePos(offset);
    const loc: SourceLocation = { file, line: start.line, column: start.col };
    if (end !== undefined) {
      const stop = lines.linePos(end);
      loc.endLine = stop.line;
      loc.endColumn = stop.col;
    }
    return loc;
  };
  const docStart = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
  return (path: readonly PropertyKey[], key?: string): SourceLocation => {
    const segments = path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    for (let n = segments.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true)) as Node | null | undefined;
      if (!node || !('range' in node) || !node.range) continue;
      if (key !== undefined && n === segments.length && isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
        const keyNode = pair && isPair(pair) && isScalar(pair.key) ? pair.key : undefined;
        if (keyNode?.range) return at(keyNode.range[0], keyNode.range[1]);
      }
      return at(node.range[0], node.range[1]);
    }
    return at(docStart);
  };
}

/**
 * The precise path: `yaml`'s document AST keeps every node's position, so problems point at
 * the exact key or value. About six times slower than js-yaml, so it only runs for files
 * that have a problem to report.
 */
export function parseYamlFilePrecisely(file: string, text: string): ParsedFile {
  const diagnostics: Diagnostic[] = [];
  if (text.includes('\u0000')) {
    diagnostics.push({
      severity: 'error',
      code: 'file.not-yaml',
      message: `${file} is not a YAML text file (it contains binary data).`,
      location: { file, line: 1, column: 1 },
    });
    return { documents: [], diagnostics };
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const documents: YamlDocument[] = [];
  list.forEach((doc, index) => {
    for (const error of [...doc.errors, ...doc.warnings]) {
      const pos = lines.linePos(error.pos[0]);
      diagnostics.push({
        severity: doc.errors.includes(error as never) ? 'error' : 'warning',
        code: error.code === 'DUPLICATE_KEY' ? 'yaml.duplicate-key' : 'yaml.syntax',
        message: `YAML ${error.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'syntax error'} in ${file}: ${firstLine(error.message)}.`,
        location: { file, line: pos.line, column: pos.col },
      });
    }
    if (doc.errors.length > 0) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // For example an alias without its anchor, or an alias bomb past maxAliasCount.
      const start = lines.linePos(doc.range?.[0] ?? 0);
      diagnostics.push({
        severity: 'error',
        code: 'yaml.syntax',
        message: `YAML error in ${file}: ${firstLine(error instanceof Error ? error.message : String(error))}.`,
        location: { file, line: start.line, column: start.col },
      });
      return;
    }
    // An empty document (for example a trailing `---`) declares nothing.
    if (value === null || value === undefined) return;
    const locate = makeLocate(file, doc, lines);
    documents.push({ file, index, value, start: locate([]), locate });
  });
  return { documents, diagnostics };
}

/**
 * Parse every document of one YAML file; syntax problems become diagnostics with positions.
 * Values come from js-yaml (core schema: the same YAML 1.2 values as `yaml`'s default), with
 * each document's start line taken from its parse events. Locating a path inside a document
 * re-parses the file with `yaml` on first use, which only happens when there is a problem.
 */
export function parseYamlFile(file: string, text: string): ParsedFile {
  if (text.includes('\u0000')) return parseYamlFilePrecisely(file, text);
  const starts: Array<{ line: number; column: number }> = [];
  let depth = 0;
  let values: unknown[];
  try {
    values = jsYaml.loadAll(text, undefined, {
      filename: file,
      schema: jsYaml.CORE_SCHEMA,
      listener(event, state) {
        if (event === 'open') {
          if (depth === 0) starts.push({ line: state.line + 1, column: state.position - state.lineStart + 1 });
          depth++;
        } else depth--;
      },
    });
  } catch {
    // A syntax error: let the precise parser describe it (and every other one in the file).
    const precise = parseYamlFilePrecisely(file, text);
    if (precise.diagnostics.length > 0) return precise;
    return { documents: [], diagnostics: [{ severity: 'error', code: 'yaml.syntax', message: `YAML syntax error in ${file}.`, location: { file, line: 1, column: 1 } }] };
  }
  let precise: ParsedFile | undefined;
  const documents: YamlDocument[] = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const start = starts[index] ?? { line: 1, column: 1 };
    documents.push({
      file,
      index,
      value,
      start: { file, ...start },
      locate(path, key) {
        precise ??= parseYamlFilePrecisely(file, text);
        const doc = precise.documents.find((d) => d.index === index);
        return doc ? doc.locate(path, key) : { file, ...start };
      },
    });
  });
  return { documents, diagnostics: [] };
}
