/**
 * Minimal edits of the config repo's YAML, through `yaml`'s document API: a field of one
 * resource document set to a value, or a new document appended to a file. Comments, key order,
 * quoting and flow style are kept; documents not edited keep their text byte for byte, and in
 * an edited one only the lines whose content changed differ (see lines.ts). Pure.
 */
import { isCollection, isMap, isScalar, parseAllDocuments, stringify, type Document, type Scalar } from 'yaml';
import { jsonEqual } from '../core/diff.js';
import { ConvergeError } from '../core/errors.js';
import { keepOriginalLines } from './lines.js';

/** The edit cannot be made as asked: the file, the document or the field is not what it should be. */
export class AdoptEditError extends ConvergeError {
  constructor(message: string, resource: string) {
    super('configuration', message, { resource });
  }
}

/** One field to write: a path inside the resource's `spec`, and the live value it takes. */
export interface FieldEdit {
  path: readonly string[];
  value: unknown;
}

/** Which document of the file: the one declaring this kind and name (and target, when set). */
export interface DocumentRef {
  kind: string;
  name: string;
  target?: string;
}

const label = (ref: DocumentRef) => `${ref.kind}/${ref.name}`;

function matches(doc: Document, ref: DocumentRef): boolean {
  const kind = doc.get('kind');
  const name = doc.get('name');
  const target = doc.get('target');
  return kind === ref.kind && name === ref.name && (ref.target === undefined || target === undefined || target === ref.target);
}

/** Block sequences written flush with their key (`topics:\n- a`) stay so; `yaml` indents them otherwise. */
function indentsSequences(text: string): boolean {
  return !/^( *)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(text);
}

/** Set one field, keeping the node (and so its quoting or flow style) where the value's shape allows. */
function setField(doc: Document, path: readonly string[], value: unknown): void {
  const full = ['spec', ...path];
  const node = doc.getIn(full, true);
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    // A plain string that would read back as another type (`"yes"`, `"1"`) is left for `yaml` to quote.
    const keepStyle = typeof node.value === typeof value;
    node.value = value;
    if (!keepStyle) delete node.type;
    return;
  }
  const created = doc.createNode(value);
  if (isCollection(node) && isCollection(created)) created.flow = node.flow ?? false;
  // A new key inside a flow map (`spec: { color: x }`) is written in the flow map.
  doc.setIn(full, created);
}

const INLINE_TYPES = new Set(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE']);

/**
 * The fastest path, and the most faithful: every edit replaces a one-line scalar with another,
 * so each is spliced into the text at the old value's place, and nothing else moves (a folded
 * block elsewhere in the document keeps its line breaks, which `yaml` would re-flow). Undefined
 * when an edit is of another shape.
 */
function spliceScalars(text: string, doc: Document, fields: readonly FieldEdit[]): string | undefined {
  const splices: Array<{ from: number; to: number; text: string }> = [];
  for (const field of fields) {
    const node = doc.getIn(['spec', ...field.path], true) as Scalar | undefined;
    const value = field.value;
    if (!isScalar(node) || !node.range || (value !== null && typeof value === 'object')) return undefined;
    const type = node.type ?? 'PLAIN';
    if (!INLINE_TYPES.has(type)) return undefined;
    // A string keeps its quoting; another type (or a string that must be quoted) is written as `yaml` writes it.
    const style = typeof node.value === 'string' && typeof value === 'string' ? type : 'PLAIN';
    const written = stringify(value, { defaultStringType: style as Scalar.Type, lineWidth: 0 }).replace(/\n$/, '');
    if (written.includes('\n')) return undefined;
    splices.push({ from: node.range[0], to: node.range[1], text: written });
  }
  let out = text;
  for (const splice of splices.sort((a, b) => b.from - a.from)) out = out.slice(0, splice.from) + splice.text + out.slice(splice.to);
  return out;
}

/** Where each document's text starts: the first at the file's start, so its leading comments belong to it. */
function documentStarts(docs: Document[]): number[] {
  return docs.map((doc, i) => (i === 0 ? 0 : (doc.range?.[0] ?? 0)));
}

/**
 * The file's text with the fields set in the document declaring `ref`. Throws AdoptEditError
 * when the file does not parse, or holds no such document, or the edit would not read back.
 */
export function editResource(file: string, text: string, ref: DocumentRef, fields: readonly FieldEdit[]): string {
  const docs = parseAllDocuments(text, { keepSourceTokens: false });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) throw new AdoptEditError(`${file}: the file does not parse as YAML, so ${label(ref)} cannot be edited.`, label(ref));
  const index = docs.findIndex((d) => matches(d, ref));
  if (index === -1) throw new AdoptEditError(`${file}: no document declares ${label(ref)}.`, label(ref));
  const doc = docs[index]!;
  const spec = doc.get('spec', true);
  if (spec !== undefined && spec !== null && !isMap(spec)) throw new AdoptEditError(`${file}: ${label(ref)}: its spec is not a mapping.`, label(ref));
  const spliced = spliceScalars(text, doc, fields);
  for (const field of fields) {
    try {
      setField(doc, field.path, field.value);
    } catch (error) {
      throw new AdoptEditError(`${file}: ${label(ref)}: spec.${field.path.join('.')} cannot be set (${error instanceof Error ? error.message : String(error)}).`, label(ref));
    }
  }
  const expected = doc.toJS();
  // The splice is checked like any edit: the document must read back as the document API says.
  if (spliced !== undefined && jsonEqual((parseAllDocuments(spliced) as Document[])[index]?.toJS(), expected)) return spliced;
  const starts = documentStarts(docs);
  const from = starts[index]!;
  const to = starts[index + 1] ?? text.length;
  const original = text.slice(from, to);
  const written = doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: indentsSequences(original) });
  const kept = keepOriginalLines(original, original.endsWith('\n') || to < text.length ? written : written.replace(/\n$/, ''));
  const result = text.slice(0, from) + kept + text.slice(to);
  // Keeping original lines is an optimisation of the diff, never of the meaning: check it.
  const back = parseAllDocuments(result);
  if (!Array.isArray(back) || !jsonEqual(back[index]?.toJS(), expected)) {
    return text.slice(0, from) + written + text.slice(to);
  }
  return result;
}

/** The file's text with a document appended (a new file's text when there is none yet). */
export function appendDocument(text: string | undefined, document: string): string {
  if (text === undefined || text.trim() === '') return document;
  return `${text.endsWith('\n') ? text : `${text}\n`}---\n${document}`;
}
