/**
 * Check-run annotations. Annotation text is plain text (GitHub does not render Markdown in
 * it), so it is only bounded, not escaped. GitHub takes 50 annotations per request; the rest
 * go in further updates of the same check run, batched by `chunkAnnotations`.
 */
import type { Diagnostic, SourceLocation } from '../../core/diagnostics.js';
import type { Change, ChangeResult } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import { truncateBytes, truncateText } from './budget.js';
import { verb } from './counts.js';
import { plural } from './markdown.js';
import type { Annotation } from './types.js';

export const ANNOTATIONS_PER_REQUEST = 50;
export const DEFAULT_MAX_ANNOTATIONS = 1_000;
export const DEFAULT_MAX_NOTICES = 50;
const MESSAGE_MAX_BYTES = 64_000;
const TITLE_MAX_CHARS = 100;
const MAX_FIELD_NAMES = 20;

type Where = Pick<Annotation, 'path' | 'start_line' | 'end_line' | 'start_column' | 'end_column'>;

const positive = (n: number | undefined): number | undefined =>
  n !== undefined && Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;

function where(location: SourceLocation): Where | undefined {
  const path = location.file.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  if (!path) return undefined;
  const start = positive(location.line) ?? 1;
  const end = Math.max(start, positive(location.endLine) ?? start);
  const out: Where = { path, start_line: start, end_line: end };
  const column = positive(location.column);
  // GitHub refuses columns on an annotation that spans lines.
  if (start === end && column !== undefined) {
    out.start_column = column;
    out.end_column = Math.max(column, positive(location.endColumn) ?? column);
  }
  return out;
}

function annotation(at: Where, level: Annotation['annotation_level'], title: string, message: string): Annotation {
  return {
    ...at,
    annotation_level: level,
    title: truncateText(title.replace(/\s+/g, ' '), TITLE_MAX_CHARS),
    message: truncateBytes(message || title, MESSAGE_MAX_BYTES),
  };
}

/** An annotation on one location (a policy violation's line); undefined when it names no file. */
export function locatedAnnotation(location: SourceLocation, level: Annotation['annotation_level'], title: string, message: string): Annotation | undefined {
  const at = where(location);
  return at ? annotation(at, level, title, message) : undefined;
}

export function diagnosticAnnotation(diagnostic: Diagnostic): Annotation | undefined {
  const at = diagnostic.location && where(diagnostic.location);
  if (!at) return undefined;
  const message = diagnostic.resource ? `${diagnostic.message}\n\nResource: ${diagnostic.resource}` : diagnostic.message;
  return annotation(at, diagnostic.severity === 'error' ? 'failure' : 'warning', diagnostic.code, message);
}

function fieldNames(change: Change): string {
  const names = change.fields.slice(0, MAX_FIELD_NAMES).map((f) => f.path);
  const more = change.fields.length - names.length;
  return names.join(', ') + (more > 0 ? ` and ${plural(more, 'more field')}` : '');
}

/** A notice on the line declaring a changed resource. Deletions have no line at head. */
export function changeNotice(change: Change): Annotation | undefined {
  if (change.action === 'noop' || change.action === 'delete' || !change.source) return undefined;
  const at = where(change.source);
  if (!at) return undefined;
  const key = resourceKey(change);
  const title = `${verb(change.action)} ${key}`;
  let message = `This plan would ${change.action} ${key}`;
  if (change.action === 'rename' && change.fromName !== undefined) message += ` (from ${change.fromName})`;
  message += change.fields.length > 0 ? `: ${fieldNames(change)}.` : '.';
  // A notice marks the declaring line only, not the whole document.
  return annotation({ path: at.path, start_line: at.start_line, end_line: at.start_line }, 'notice', title, message);
}

export function failedResultAnnotation(result: ChangeResult): Annotation | undefined {
  if (result.status !== 'failed' || !result.change.source) return undefined;
  const at = where(result.change.source);
  if (!at) return undefined;
  const key = resourceKey(result.change);
  return annotation(at, 'failure', `Failed to ${result.change.action} ${key}`, result.message ?? 'The target rejected the change.');
}

/**
 * Notices for changes, on the lines the PR changed. A change whose own document changed is
 * marked on its declaring line; fields set by a changed defaults document are marked once per
 * defaults line, naming how many resources that line changes. Nothing is marked in a file the
 * PR did not touch. Without `changedFiles`, every changed resource's declaring line is marked.
 */
function* changeNotices(changes: readonly Change[], changedFiles: ReadonlySet<string> | undefined): Generator<Annotation> {
  if (!changedFiles) {
    for (const change of changes) {
      const a = changeNotice(change);
      if (a) yield a;
    }
    return;
  }
  const fanOut = new Map<string, { at: Where; fields: Set<string>; names: string[]; count: number }>();
  for (const change of changes) {
    if (change.action === 'noop' || change.action === 'delete') continue;
    if (change.source && changedFiles.has(change.source.file) && change.fields.some((f) => !f.source)) {
      const a = changeNotice(change);
      if (a) yield a;
    }
    const seen = new Set<string>();
    for (const field of change.fields) {
      if (!field.source || !changedFiles.has(field.source.file)) continue;
      const at = where(field.source);
      if (!at) continue;
      const id = `${at.path}:${at.start_line}`;
      let line = fanOut.get(id);
      if (!line) fanOut.set(id, (line = { at: { path: at.path, start_line: at.start_line, end_line: at.start_line }, fields: new Set(), names: [], count: 0 }));
      line.fields.add(field.path);
      if (seen.has(id)) continue;
      seen.add(id);
      line.count++;
      if (line.names.length < MAX_FIELD_NAMES) line.names.push(resourceKey(change));
    }
  }
  for (const line of fanOut.values()) {
    const fields = [...line.fields].slice(0, MAX_FIELD_NAMES).join(', ');
    const names = line.names.join(', ') + (line.count > line.names.length ? ` and ${plural(line.count - line.names.length, 'more')}` : '');
    yield annotation(line.at, 'notice', `Changes ${plural(line.count, 'resource')}`, `This defaults line sets ${fields} on ${plural(line.count, 'resource')}: ${names}.`);
  }
}

/** Errors, then warnings, then up to `maxNotices` notices; `max` in all. */
export function diagnosticAndNoticeAnnotations(
  diagnostics: readonly Diagnostic[],
  changes: readonly Change[],
  max = DEFAULT_MAX_ANNOTATIONS,
  maxNotices = DEFAULT_MAX_NOTICES,
  changedFiles?: ReadonlySet<string>,
): Annotation[] {
  const out: Annotation[] = [];
  for (const severity of ['error', 'warning'] as const) {
    for (const diagnostic of diagnostics) {
      if (out.length >= max) return out;
      if (diagnostic.severity !== severity) continue;
      const a = diagnosticAnnotation(diagnostic);
      if (a) out.push(a);
    }
  }
  let notices = 0;
  for (const a of changeNotices(changes, changedFiles)) {
    if (out.length >= max || notices >= maxNotices) break;
    out.push(a);
    notices++;
  }
  return out;
}

/** Batches of at most `size` (GitHub takes 50 annotations per request). */
export function chunkAnnotations<T>(annotations: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const step = Number.isFinite(size) && size >= 1 ? Math.floor(size) : ANNOTATIONS_PER_REQUEST;
  const chunks: T[][] = [];
  for (let i = 0; i < annotations.length; i += step) chunks.push(annotations.slice(i, i + step));
  return chunks;
}
