import { posix } from 'node:path';
import jsYaml from 'js-yaml';
import { stringify } from 'yaml';
import { pushTo } from '../core/collections.js';
import { jsonEqual } from '../core/diff.js';
import { ConvergeError } from '../core/errors.js';
import type { Registry } from '../core/registry.js';
import { DEFAULT_TARGET, resourceKey, type ActualResource } from '../core/resource.js';
import { REPO_CONFIG_FILE } from '../config/schema.js';
import { convergeYml } from './converge-yml.js';
import { withoutDefaults } from './defaults.js';
import { fileGroups } from './layout.js';
import { RESOURCES_SCHEMA_PATH, schemaFiles } from './schema-files.js';

/** The renderer produced something the loader would not take back as it is: a bug, never bad input. */
export class ImportRenderError extends ConvergeError {
  constructor(message: string, resource: string) {
    super('internal', message, { resource });
  }
}

export interface RenderInput {
  registry: Registry<any>;
  /** The converge.yml `providers` block. */
  providers: Record<string, unknown>;
  resources: readonly ActualResource[];
}

/** One resource document as the config repo holds it: only what differs from a new resource. */
function documentOf(registry: Registry<any>, resource: ActualResource): Record<string, unknown> {
  const key = resourceKey(resource);
  const kind = registry.kind(resource.kind);
  if (!kind) throw new ImportRenderError(`${key}: no provider has kind ${resource.kind}.`, key);
  const defaults = kind.importDefaults?.(resource.name, resource.spec) ?? {};
  const spec = withoutDefaults(resource.spec, defaults);
  const checked = kind.spec.safeParse(spec);
  if (!checked.success) {
    const problems = checked.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ');
    throw new ImportRenderError(`${key}: the imported spec does not pass the ${resource.kind} schema (${problems}).`, key);
  }
  return {
    kind: resource.kind,
    name: resource.name,
    ...(resource.target === DEFAULT_TARGET ? {} : { target: resource.target }),
    ...(Object.keys(spec).length > 0 ? { spec } : {}),
  };
}

const text = (value: unknown) => stringify(value, { lineWidth: 0, minContentWidth: 0 });

/** Read back as the loader reads (js-yaml, core schema): quoting mistakes surface here, not in a plan. */
function assertRoundTrip(path: string, body: string, documents: unknown[]): void {
  const back = jsYaml.loadAll(body, undefined, { schema: jsYaml.CORE_SCHEMA });
  documents.forEach((document, i) => {
    if (!jsonEqual(back[i], document)) {
      const name = String((document as { name?: unknown }).name);
      throw new ImportRenderError(`${path}: document ${i + 1} (${name}) does not read back as written.`, name);
    }
  });
}

/**
 * Pure: live resources → the files of a config repo (path → text), sorted by path. Each
 * resource file holds its documents in kind order (the registry's), then by name, and starts
 * with the schema line editors use; converge.yml and the two schema files come with them.
 */
export function renderImport(input: RenderInput): Map<string, string> {
  const order = new Map(input.registry.kinds().map((k, i) => [k.kind, i] as const));
  const sorted = [...input.resources].sort(
    (a, b) => (order.get(a.kind) ?? order.size) - (order.get(b.kind) ?? order.size) || a.kind.localeCompare(b.kind) || a.target.localeCompare(b.target) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const groups = fileGroups(sorted);
  const byPath = new Map<string, unknown[]>();
  const seen = new Set<string>();
  for (const resource of sorted) {
    const key = resourceKey(resource);
    if (seen.has(key)) throw new ImportRenderError(`${key}: read twice.`, key);
    seen.add(key);
    const path = groups.get(resource)!.path;
    pushTo(byPath, path, documentOf(input.registry, resource));
  }

  const files = new Map<string, string>([[REPO_CONFIG_FILE, convergeYml(input.providers)], ...schemaFiles(input.registry)]);
  for (const [path, documents] of byPath) {
    const schema = posix.relative(posix.dirname(path), RESOURCES_SCHEMA_PATH);
    const body = documents.map(text).join('---\n');
    assertRoundTrip(path, body, documents);
    files.set(path, `# yaml-language-server: $schema=${schema}\n${body}`);
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
