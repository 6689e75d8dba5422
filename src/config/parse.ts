import type { z } from 'zod';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Registry } from '../core/registry.js';
import type { LoadedDefaults } from './defaults.js';
import { configError, fileStart } from './diagnostic.js';
import { sizeProblem, type ConfigFiles } from './files.js';
import { issuesToDiagnostics, parseWithoutBroken } from './issues.js';
import { DefaultsDocument, ResourceDocument } from './schema.js';
import { suggest } from './suggest.js';
import { parseYamlFile, type ParsedFile, type YamlDocument } from './yaml.js';

/** How a model file's text becomes documents: `parseYamlFile`, or a cache of its answers. */
export type ParseFile = (file: string, text: string) => ParsedFile;

/** A resource document; its spec is checked once defaults are merged. */
export interface ParsedResource {
  doc: YamlDocument;
  envelope: ResourceDocument;
  /**
   * Envelope fields with problems (already reported), left out of `envelope`: a resource with
   * any still claims its name, so a duplicate of it is reported in the same load, and has the
   * rest checked, but never loads.
   */
  broken: readonly string[];
}

export interface ParsedModel {
  resources: ParsedResource[];
  /** In file order; `selectDefaults` puts them in precedence order. */
  defaults: LoadedDefaults[];
}

/** A defaults document, or why it cannot be one (its kind must be one a provider has). */
function parseDefaults(doc: YamlDocument, registry: Registry, order: number): LoadedDefaults | Diagnostic[] {
  const result = DefaultsDocument.safeParse(doc.value);
  if (!result.success) {
    const name = (doc.value as { name?: unknown }).name;
    const subject = `${doc.file}: defaults${typeof name === 'string' ? ` "${name}"` : ''}`;
    return issuesToDiagnostics(result.error.issues, { schema: DefaultsDocument, input: doc.value, doc, subject });
  }
  const { selector, name } = result.data;
  if (!registry.kind(selector.kind)) {
    const near = suggest(selector.kind, registry.kinds().map((k) => k.kind));
    const hint = near ? `; did you mean "${near}"?` : '.';
    return [configError('defaults.unknown-kind', `${doc.file}: defaults "${name}" select unknown kind "${selector.kind}"${hint}`, doc.locate(['selector', 'kind']))];
  }
  return { ...result.data, file: doc.file, line: doc.start.line, order, values: doc.values, locate: doc.locate };
}

/**
 * Sort one document into the model: a defaults document, a resource envelope, or diagnostics;
 * an envelope with problems is also kept without its broken fields when its identity is intact.
 */
function parseDocument(doc: YamlDocument, registry: Registry, model: ParsedModel, diagnostics: Diagnostic[]): void {
  const value = doc.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(configError('document.not-a-mapping', `${doc.file}: document ${doc.index + 1} is not a resource (expected a mapping with kind, name and spec).`, doc.locate([])));
    return;
  }
  if ((value as { kind?: unknown }).kind === 'defaults') {
    const defaults = parseDefaults(doc, registry, model.defaults.length);
    if (Array.isArray(defaults)) diagnostics.push(...defaults);
    else model.defaults.push(defaults);
    return;
  }
  const result = ResourceDocument.safeParse(value);
  if (result.success) {
    model.resources.push({ doc, envelope: result.data, broken: [] });
    return;
  }
  const { kind, name } = value as { kind?: unknown; name?: unknown };
  const label = typeof kind === 'string' && typeof name === 'string' ? `${kind}/${name}` : undefined;
  const unnamed = `${typeof kind === 'string' ? `${kind} ` : ''}document ${doc.index + 1}`;
  const subject = `${doc.file}: ${label ?? (typeof name === 'string' ? `resource "${name}"` : unnamed)}`;
  diagnostics.push(...issuesToDiagnostics(result.error.issues, { schema: ResourceDocument, input: value, doc, subject, ...(label ? { resource: label } : {}) }));
  const salvaged = withoutBrokenFields(value as Record<string, unknown>, result.error.issues);
  if (salvaged) model.resources.push({ doc, ...salvaged });
}

/** What identifies a resource: with any of these broken, it claims no name. */
const IDENTITY_FIELDS = ['kind', 'name', 'target'];

/**
 * The envelope of a document whose envelope has problems, read without its broken fields, when
 * what identifies the resource is intact: so its duplicates and its spec's problems are reported
 * in the same load as the envelope's.
 */
function withoutBrokenFields(value: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): Omit<ParsedResource, 'doc'> | undefined {
  const salvaged = parseWithoutBroken(ResourceDocument, value, issues, (broken) => !IDENTITY_FIELDS.some((field) => broken.has(field)));
  return salvaged && { envelope: salvaged.data, broken: salvaged.broken };
}

/**
 * Load step two: parse the model files (in path order) with positions, and check every
 * document's envelope. A file too large to load is a diagnostic and is never parsed.
 */
export function parseModelFiles(files: ConfigFiles, paths: readonly string[], registry: Registry, diagnostics: Diagnostic[], parseFile: ParseFile = parseYamlFile): ParsedModel {
  const model: ParsedModel = { resources: [], defaults: [] };
  for (const file of paths) {
    const text = files.get(file)!;
    const tooLarge = sizeProblem(file, text);
    if (tooLarge) {
      diagnostics.push(configError(tooLarge.code, tooLarge.message, fileStart(file)));
      continue;
    }
    const parsed = parseFile(file, text);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) parseDocument(doc, registry, model, diagnostics);
  }
  return model;
}
