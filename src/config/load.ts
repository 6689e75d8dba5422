import picomatch from 'picomatch';
import { deepMerge } from '../core/diff.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { ResourceKind } from '../core/provider.js';
import type { Registry } from '../core/registry.js';
import { DEFAULT_TARGET, providerOf, resourceKey, type DesiredResource } from '../core/resource.js';
import { issuesToDiagnostics } from './issues.js';
import { formatBytes, MAX_FILE_BYTES, MAX_MODEL_VALUES, MAX_SPEC_VALUES } from './limits.js';
import { DefaultsDocument, ResourceDocument, Settings, SETTINGS_FILE } from './schema.js';
import { checkSchedule, checkSettingsKinds } from './settings-checks.js';
import { parseYamlFile, type YamlDocument } from './yaml.js';

/**
 * A file the snapshot could not hold: too large, not UTF-8 text, or (fatal) the point where
 * the snapshot as a whole crossed a limit. A file that could not be read never means "absent".
 */
export interface FileProblem {
  path: string;
  code: string;
  message: string;
  /** The snapshot is incomplete: nothing in it may be planned from. */
  fatal?: boolean;
}

/** The config repo's files at one commit: path → text, and the files it could not read. */
export type ConfigFiles = ReadonlyMap<string, string> & { readonly problems?: readonly FileProblem[] };

export interface LoadedDefaults extends DefaultsDocument {
  file: string;
  line: number;
  order: number;
  /** Values its document holds, aliases expanded: what merging it into one resource costs. */
  values: number;
}

/** Provider targets resolved from converge.yml: provider → target name → raw settings. */
export type Targets = Map<string, Map<string, unknown>>;

export interface Model {
  settings: Settings;
  targets: Targets;
  resources: DesiredResource[];
  byKey: Map<string, DesiredResource>;
  defaults: LoadedDefaults[];
  diagnostics: Diagnostic[];
  /** Keys of every resource a file declares or contributes defaults to. */
  affectedBy(paths: Iterable<string>): Set<string>;
}

const error = (code: string, message: string, location?: Diagnostic['location'], resource?: string): Diagnostic => ({
  severity: 'error',
  code,
  message,
  ...(location ? { location } : {}),
  ...(resource ? { resource } : {}),
});

function loadSettings(files: ConfigFiles, registry: Registry, diagnostics: Diagnostic[]): { settings: Settings; targets: Targets; valid: boolean } {
  const fallback = Settings.parse({});
  const targets: Targets = new Map();
  const text = files.get(SETTINGS_FILE);
  let settings = fallback;
  let doc: YamlDocument | undefined;
  if (text !== undefined) {
    const parsed = parseYamlFile(SETTINGS_FILE, text);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.documents.length > 1) {
      diagnostics.push(error('settings.multiple-documents', `${SETTINGS_FILE} must hold one YAML document.`, parsed.documents[1]!.locate([])));
    }
    doc = parsed.documents[0];
    if (doc) {
      const result = Settings.safeParse(doc.value);
      if (result.success) settings = result.data;
      else {
        diagnostics.push(...issuesToDiagnostics(result.error.issues, doc, [], SETTINGS_FILE));
        return { settings, targets, valid: false };
      }
    }
  }
  for (const [name, raw] of Object.entries(settings.providers)) {
    const provider = registry.provider(name);
    const where = doc?.locate(['providers'], name);
    if (!provider) {
      const known = [...registry.providers.keys()].join(', ');
      diagnostics.push(error('settings.unknown-provider', `${SETTINGS_FILE}: unknown provider "${name}" (known: ${known}).`, where));
      continue;
    }
    const multi = raw !== null && typeof raw === 'object' && 'targets' in raw;
    const entries = multi
      ? Object.entries(((raw as { targets: unknown }).targets ?? {}) as Record<string, unknown>)
      : [[DEFAULT_TARGET, raw ?? {}] as const];
    const resolved = new Map<string, unknown>();
    for (const [target, value] of entries) {
      const path = multi ? ['providers', name, 'targets', target] : ['providers', name];
      const result = provider.targetSettings.safeParse(value ?? {});
      if (result.success) resolved.set(target, result.data);
      else if (doc) diagnostics.push(...issuesToDiagnostics(result.error.issues, doc, path, `${SETTINGS_FILE} provider ${name}`));
    }
    targets.set(name, resolved);
  }
  diagnostics.push(...checkSettingsKinds(settings, doc, { kinds: registry.kinds().map((k) => k.kind), providers: [...registry.providers.keys()] }));
  const schedule = checkSchedule(settings, doc);
  diagnostics.push(...schedule);
  // Whatever happens to this model, an unschedulable pattern never reaches the scheduler.
  if (schedule.length > 0) settings = { ...settings, schedule: { enabled: settings.schedule.enabled } };
  return { settings, targets, valid: !diagnostics.some((d) => d.location?.file === SETTINGS_FILE) };
}

interface PendingResource {
  doc: YamlDocument;
  envelope: ResourceDocument;
}

function resolveTarget(envelope: ResourceDocument, targets: Targets): string | { error: string } {
  const provider = providerOf(envelope.kind);
  const available = targets.get(provider);
  if (!available) return { error: `provider "${provider}" is not enabled in ${SETTINGS_FILE}` };
  if (envelope.target !== undefined) {
    return available.has(envelope.target)
      ? envelope.target
      : { error: `target "${envelope.target}" is not declared for provider "${provider}" in ${SETTINGS_FILE}` };
  }
  if (available.has(DEFAULT_TARGET)) return DEFAULT_TARGET;
  if (available.size === 1) return [...available.keys()][0]!;
  return { error: `provider "${provider}" has several targets; set "target" to one of ${[...available.keys()].join(', ')}` };
}

/**
 * Load the config repo into a model: parse every included YAML file with positions,
 * validate envelopes and specs, merge defaults by selector (defaults by ascending priority,
 * then by file path; the resource's own spec always wins), and reject duplicates.
 * Every problem becomes a diagnostic; nothing throws on bad input.
 */
export function loadModel(files: ConfigFiles, registry: Registry): Model {
  const diagnostics: Diagnostic[] = [];
  const fatal = files.problems?.filter((p) => p.fatal) ?? [];
  if (fatal.length > 0) {
    // An incomplete snapshot would plan every resource it lost as deleted: plan nothing.
    const settings = Settings.parse({});
    for (const problem of fatal) diagnostics.push(error(problem.code, problem.message, { file: problem.path, line: 1, column: 1 }));
    return emptyModel(settings, diagnostics);
  }
  const unreadable = new Map((files.problems ?? []).map((p) => [p.path, p] as const));
  const settingsProblem = unreadable.get(SETTINGS_FILE) ?? sizeProblem(SETTINGS_FILE, files.get(SETTINGS_FILE));
  if (settingsProblem) {
    diagnostics.push(error(settingsProblem.code, settingsProblem.message, { file: SETTINGS_FILE, line: 1, column: 1 }));
    return emptyModel(Settings.parse({}), diagnostics);
  }
  const { settings, targets, valid: settingsValid } = loadSettings(files, registry, diagnostics);
  const included = picomatch(settings.include, { dot: true });
  const excluded = picomatch(settings.exclude, { dot: true });
  const isModelPath = (p: string) => p !== SETTINGS_FILE && included(p) && !excluded(p);

  const pending: PendingResource[] = [];
  const defaults: LoadedDefaults[] = [];
  const paths = [...files.keys()].filter(isModelPath).sort();
  for (const [path, problem] of unreadable) {
    if (isModelPath(path)) diagnostics.push(error(problem.code, problem.message, { file: path, line: 1, column: 1 }));
  }

  for (const file of paths) {
    const text = files.get(file)!;
    const tooLarge = sizeProblem(file, text);
    if (tooLarge) {
      diagnostics.push(error(tooLarge.code, tooLarge.message, { file, line: 1, column: 1 }));
      continue;
    }
    const parsed = parseYamlFile(file, text);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) {
      const value = doc.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        diagnostics.push(error('document.not-a-mapping', `${file}: document ${doc.index + 1} is not a resource (expected a mapping with kind, name and spec).`, doc.locate([])));
        continue;
      }
      if ((value as { kind?: unknown }).kind === 'defaults') {
        const result = DefaultsDocument.safeParse(value);
        if (!result.success) {
          diagnostics.push(...issuesToDiagnostics(result.error.issues, doc, [], `${file}: defaults`));
          continue;
        }
        if (!registry.kind(result.data.selector.kind)) {
          diagnostics.push(error('defaults.unknown-kind', `${file}: defaults "${result.data.name}" select unknown kind "${result.data.selector.kind}".`, doc.locate(['selector', 'kind'])));
          continue;
        }
        defaults.push({ ...result.data, file, line: doc.start.line, order: defaults.length, values: doc.values });
        continue;
      }
      const result = ResourceDocument.safeParse(value);
      if (!result.success) {
        const name = (value as { name?: unknown }).name;
        diagnostics.push(...issuesToDiagnostics(result.error.issues, doc, [], `${file}: ${typeof name === 'string' ? name : 'resource'}`));
        continue;
      }
      pending.push({ doc, envelope: result.data });
    }
  }

  defaults.sort((a, b) => a.priority - b.priority || a.file.localeCompare(b.file) || a.order - b.order);
  const defaultMatchers = defaults.map((d) => ({
    defaults: d,
    matchName: d.selector.names ? picomatch(d.selector.names, { dot: true }) : () => true,
  }));

  const resources: DesiredResource[] = [];
  const byKey = new Map<string, DesiredResource>();
  /** Resources by the name the target compares (GitHub: `Api` and `api` are one repository). */
  const byIdentity = new Map<string, DesiredResource>();
  let modelValues = 0;
  let modelTooLarge = false;
  for (const { doc, envelope } of pending) {
    const label = `${envelope.kind}/${envelope.name}`;
    const kind = registry.kind(envelope.kind);
    if (!kind) {
      const known = registry.kinds().map((k) => k.kind).join(', ');
      diagnostics.push(error('resource.unknown-kind', `${doc.file}: unknown kind "${envelope.kind}" (known kinds: ${known}).`, doc.locate(['kind']), label));
      continue;
    }
    const target = resolveTarget(envelope, targets);
    if (typeof target !== 'string') {
      // With a broken converge.yml every resource would repeat the same error: report it once.
      if (!settingsValid) continue;
      diagnostics.push(error('resource.target', `${label}: ${target.error}.`, doc.locate(envelope.target ? ['target'] : ['kind']), label));
      continue;
    }
    let nameProblem = kind.validateName?.(envelope.name);
    for (const previous of envelope.previousNames) nameProblem ??= kind.validateName?.(previous);
    if (nameProblem) {
      diagnostics.push(error('resource.name', `${label}: ${nameProblem}`, doc.locate(['name']), label));
      continue;
    }
    if (envelope.previousNames.length > 0 && !kind.renamable) {
      diagnostics.push(error('resource.rename-unsupported', `${label}: ${envelope.kind} cannot be renamed, so previousNames is not allowed.`, doc.locate(['previousNames']), label));
      continue;
    }

    const applied = defaultMatchers.length === 0 ? [] : defaultMatchers.filter(
      ({ defaults: d, matchName }) =>
        d.selector.kind === envelope.kind && (d.selector.target === undefined || d.selector.target === target) && matchName(envelope.name),
    );
    // Defaults fan out: bound what merging costs before doing it, per resource and overall.
    const specValues = doc.values + applied.reduce((n, a) => n + a.defaults.values, 0);
    if (specValues > MAX_SPEC_VALUES) {
      diagnostics.push(error('resource.too-large', `${label}: its spec holds ${specValues.toLocaleString('en-US')} values with its defaults merged in, more than the limit of ${MAX_SPEC_VALUES.toLocaleString('en-US')} (see Limits in the README).`, doc.start, label));
      continue;
    }
    modelValues += specValues;
    if (modelValues > MAX_MODEL_VALUES) {
      if (!modelTooLarge) {
        diagnostics.push(error('model.too-large', `${label}: with defaults merged in, the model holds more than ${MAX_MODEL_VALUES.toLocaleString('en-US')} values, the limit (see Limits in the README); nothing from here on was loaded.`, doc.start, label));
      }
      modelTooLarge = true;
      continue;
    }
    let merged: Record<string, unknown> = envelope.spec;
    if (applied.length > 0) {
      merged = {};
      for (const { defaults: d } of applied) merged = deepMerge(merged, d.spec);
      merged = deepMerge(merged, envelope.spec);
    }

    const result = kind.spec.safeParse(merged);
    if (!result.success) {
      // Point at the resource's own line when it sets the field, else at the defaults that did.
      const locate = (path: readonly PropertyKey[], key?: string) => {
        const specPath = path.slice(1);
        const own = specPath.length === 0 || hasPath(envelope.spec, key === undefined ? specPath : [...specPath, key]);
        return own ? doc.locate(path, key) : { file: applied.at(-1)?.defaults.file ?? doc.file, line: applied.at(-1)?.defaults.line ?? 1, column: 1 };
      };
      diagnostics.push(...issuesToDiagnostics(result.error.issues, doc, ['spec'], label, label, locate));
      continue;
    }

    const resource: DesiredResource = {
      kind: envelope.kind,
      target,
      name: envelope.name,
      spec: result.data,
      previousNames: envelope.previousNames,
      lifecycle: envelope.lifecycle,
      owners: envelope.owners.length > 0 ? envelope.owners : (applied.findLast((a) => a.defaults.owners.length > 0)?.defaults.owners ?? settings.owners),
      source: doc.start,
      dependsOn: [...new Set(applied.map((a) => a.defaults.file))],
    };
    const key = resourceKey(resource);
    const identity = identityKey(kind, resource);
    const first = byIdentity.get(identity);
    if (first) {
      const same = first.name === resource.name ? '' : ` as "${first.name}" (${kind.nameRule ?? 'the target sees both names as one'})`;
      diagnostics.push(error('resource.duplicate', `${label} is declared twice: first at ${first.source.file}:${first.source.line}${same}, again here.`, resource.source, label));
      continue;
    }
    byIdentity.set(identity, resource);
    byKey.set(key, resource);
    resources.push(resource);
  }
  checkPreviousNames(resources, byIdentity, (resource, name) => identityKey(registry.kind(resource.kind), { ...resource, name }), diagnostics);
  diagnostics.sort(
    (a, b) =>
      (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );

  const fileIndex = new Map<string, Set<string>>();
  for (const resource of resources) {
    for (const file of [resource.source.file, ...resource.dependsOn]) {
      let keys = fileIndex.get(file);
      if (!keys) fileIndex.set(file, (keys = new Set()));
      keys.add(resourceKey(resource));
    }
  }
  return {
    settings,
    targets,
    resources,
    byKey,
    defaults,
    diagnostics,
    affectedBy(changed) {
      const out = new Set<string>();
      for (const path of changed) for (const key of fileIndex.get(path) ?? []) out.add(key);
      return out;
    },
  };
}

function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let node = value;
  for (const part of path) {
    if (node === null || typeof node !== 'object' || !(String(part) in node)) return false;
    node = (node as Record<string, unknown>)[String(part)];
  }
  return true;
}

/** The key two resources share when the target sees them as one: the kind's name rule applied. */
function identityKey(kind: ResourceKind | undefined, ref: DesiredResource): string {
  return resourceKey({ ...ref, name: kind?.nameKey ? kind.nameKey(ref.name) : ref.name });
}

function sizeProblem(path: string, text: string | undefined): FileProblem | undefined {
  // Characters never outnumber UTF-8 bytes, so most files skip counting bytes.
  if (text === undefined || text.length * 3 <= MAX_FILE_BYTES) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return { path, code: 'file.too-large', message: `${path} is ${formatBytes(bytes)}, larger than the ${formatBytes(MAX_FILE_BYTES)} a config file may be, so it was not read (see Limits in the README).` };
}

function emptyModel(settings: Settings, diagnostics: Diagnostic[]): Model {
  return { settings, targets: new Map(), resources: [], byKey: new Map(), defaults: [], diagnostics, affectedBy: () => new Set() };
}

/** A previous name must not be a live declared resource of its own, nor claimed twice. */
function checkPreviousNames(
  resources: DesiredResource[],
  byIdentity: Map<string, DesiredResource>,
  identityOf: (resource: DesiredResource, name: string) => string,
  diagnostics: Diagnostic[],
) {
  const claimed = new Map<string, DesiredResource>();
  for (const resource of resources) {
    for (const previous of resource.previousNames) {
      const key = identityOf(resource, previous);
      const label = `${resource.kind}/${resource.name}`;
      const declared = byIdentity.get(key);
      if (declared && declared !== resource) {
        diagnostics.push(error('resource.previous-name-declared', `${label}: previous name "${previous}" is also declared as a resource of its own.`, resource.source, label));
      }
      const other = claimed.get(key);
      if (other && other !== resource) {
        diagnostics.push(error('resource.previous-name-twice', `${label}: previous name "${previous}" is also claimed by ${other.kind}/${other.name}.`, resource.source, label));
      }
      claimed.set(key, resource);
    }
  }
}

/** Whether a path is part of the model under these settings (converge.yml always is). */
export function isConfigPath(settings: Settings, path: string): boolean {
  if (path === SETTINGS_FILE) return true;
  return picomatch.isMatch(path, settings.include, { dot: true }) && !picomatch.isMatch(path, settings.exclude, { dot: true });
}
