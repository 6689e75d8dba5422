import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceLocation } from '../core/diagnostics.js';
import { isExpansionProblem, measureExpansion } from './expansion.js';
import { MAX_ALIASES, MAX_LOCATE_BYTES } from './limits.js';

/** One YAML document of a file, with what is needed to point at its lines. */
export interface YamlDocument {
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  value: unknown;
  /** Where the document's content starts. */
  start: SourceLocation;
  /** Values the document holds with every alias copied out (what walking it as a tree costs). */
  values: number;
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

function aliasMessage(file: string, index: number, problem: string): string {
  return `${file}: document ${index + 1} is rejected: ${problem} (see Limits in the README).`;
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
    const start = lines.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0);
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      // For example an alias without its anchor, or an alias bomb past maxAliasCount.
      const message = firstLine(error instanceof Error ? error.message : String(error));
      const bomb = /excessive alias count/i.test(message);
      diagnostics.push({
        severity: 'error',
        code: bomb ? 'yaml.alias-limit' : 'yaml.syntax',
        message: bomb ? aliasMessage(file, index, `aliases are used more than ${MAX_ALIASES} times`) : `YAML error in ${file}: ${message}.`,
        location: { file, line: start.line, column: start.col },
      });
      return;
    }
    // An empty document (for example a trailing `---`) declares nothing.
    if (value === null || value === undefined) return;
    const size = measureExpansion(value, text.length);
    if (isExpansionProblem(size)) {
      diagnostics.push({ severity: 'error', code: size.code, message: aliasMessage(file, index, size.message), location: { file, line: start.line, column: start.col } });
      return;
    }
    const locate = makeLocate(file, doc, lines);
    documents.push({ file, index, value, values: size.values, start: locate([]), locate });
  });
  return { documents, diagnostics };
}

/**
 * Parse every document of one YAML file; syntax problems become diagnostics with positions.
 * Values come from js-yaml (core schema: the same YAML 1.2 values as `yaml`'s default), with
 * each document's start line taken from its parse events. Locating a path inside a document
 * re-parses that document alone with `yaml` on first use, which only happens when there is a
 * problem; a document larger than MAX_LOCATE_BYTES is not re-parsed (its problems point at
 * its first line), so no problem costs seconds to locate.
 */
export function parseYamlFile(file: string, text: string): ParsedFile {
  if (text.includes('\u0000')) return parseYamlFilePrecisely(file, text);
  const starts: Array<{ line: number; column: number; lineStart: number }> = [];
  let depth = 0;
  let values: unknown[];
  try {
    values = jsYaml.loadAll(text, undefined, {
      filename: file,
      schema: jsYaml.CORE_SCHEMA,
      listener(event, state) {
        if (event === 'open') {
          if (depth === 0) starts.push({ line: state.line + 1, column: state.position - state.lineStart + 1, lineStart: state.lineStart });
          depth++;
        } else depth--;
      },
    });
  } catch (error) {
    // A syntax error: let the precise parser describe it (and every other one in the file),
    // unless the file is too large to re-parse quickly; then js-yaml's own position will do.
    if (text.length > MAX_LOCATE_BYTES) return { documents: [], diagnostics: [quickSyntaxError(file, error)] };
    const precise = parseYamlFilePrecisely(file, text);
    if (precise.diagnostics.length > 0) return precise;
    return { documents: [], diagnostics: [{ severity: 'error', code: 'yaml.syntax', message: `YAML syntax error in ${file}.`, location: { file, line: 1, column: 1 } }] };
  }
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const start = starts[index] ?? { line: 1, column: 1, lineStart: 0 };
    const where: SourceLocation = { file, line: start.line, column: start.column };
    const size = measureExpansion(value, text.length);
    if (isExpansionProblem(size)) {
      diagnostics.push({ severity: 'error', code: size.code, message: aliasMessage(file, index, size.message), location: where });
      return;
    }
    // The document's own text: from its first line to the next document's first line.
    const end = starts[index + 1]?.lineStart ?? text.length;
    let precise: YamlDocument | null | undefined;
    documents.push({
      file,
      index,
      value,
      values: size.values,
      start: where,
      locate(path, key) {
        if (precise === undefined) precise = locateWithin(file, text.slice(start.lineStart, end), start.line - 1);
        return precise ? precise.locate(path, key) : where;
      },
    });
  });
  return { documents, diagnostics };
}

/** The first document of `slice` parsed with positions, its lines shifted by `lineOffset`; null when too large. */
function locateWithin(file: string, slice: string, lineOffset: number): YamlDocument | null {
  if (slice.length > MAX_LOCATE_BYTES) return null;
  const doc = parseYamlFilePrecisely(file, slice).documents[0];
  if (!doc) return null;
  const shift = (loc: SourceLocation): SourceLocation => ({
    ...loc,
    line: loc.line + lineOffset,
    ...(loc.endLine !== undefined ? { endLine: loc.endLine + lineOffset } : {}),
  });
  return { ...doc, start: shift(doc.start), locate: (path, key) => shift(doc.locate(path, key)) };
}

function quickSyntaxError(file: string, error: unknown): Diagnostic {
  const mark = (error as { mark?: { line: number; column: number } }).mark;
  const reason = (error as { reason?: string }).reason ?? 'syntax error';
  return {
    severity: 'error',
    code: 'yaml.syntax',
    message: `YAML syntax error in ${file}: ${reason}.`,
    location: { file, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 },
  };
}
