import type { Diagnostic } from '../core/diagnostics.js';
import type { Registry } from '../core/registry.js';
import type { LoadedDefaults } from './defaults.js';
import { configError, fileStart } from './diagnostic.js';
import { sizeProblem, type ConfigFiles } from './files.js';
import { issuesToDiagnostics } from './issues.js';
import { DefaultsDocument, ResourceDocument } from './schema.js';
import { parseYamlFile, type ParsedFile, type YamlDocument } from './yaml.js';

/** How a model file's text becomes documents: `parseYamlFile`, or a cache of its answers. */
export type ParseFile = (file: string, text: string) => ParsedFile;

/** A resource document whose envelope is valid; its spec is checked once defaults are merged. */
export interface ParsedResource {
  doc: YamlDocument;
  envelope: ResourceDocument;
}

export interface ParsedModel {
  resources: ParsedResource[];
  /** In file order; `selectDefaults` puts them in precedence order. */
  defaults: LoadedDefaults[];
}

/** A defaults document, or why it cannot be one (its kind must be one a provider has). */
function parseDefaults(doc: YamlDocument, registry: Registry, order: number): LoadedDefaults | Diagnostic[] {
  const result = DefaultsDocument.safeParse(doc.value);
  if (!result.success) return issuesToDiagnostics(result.error.issues, doc, [], `${doc.file}: defaults`);
  const { selector, name } = result.data;
  if (!registry.kind(selector.kind)) {
    return [configError('defaults.unknown-kind', `${doc.file}: defaults "${name}" select unknown kind "${selector.kind}".`, doc.locate(['selector', 'kind']))];
  }
  return { ...result.data, file: doc.file, line: doc.start.line, order, values: doc.values, locate: doc.locate };
}

/** Sort one document into the model: a defaults document, a resource envelope, or a diagnostic. */
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
  if (!result.success) {
    const name = (value as { name?: unknown }).name;
    diagnostics.push(...issuesToDiagnostics(result.error.issues, doc, [], `${doc.file}: ${typeof name === 'string' ? name : 'resource'}`));
    return;
  }
  model.resources.push({ doc, envelope: result.data });
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
