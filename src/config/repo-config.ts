import type { Diagnostic } from '../core/diagnostics.js';
import type { Registry } from '../core/registry.js';
import { DEFAULT_TARGET } from '../core/resource.js';
import { configError } from './diagnostic.js';
import type { ConfigFiles } from './files.js';
import { issuesToDiagnostics, parseWithoutBroken } from './issues.js';
import { checkRepoConfigKinds, checkSchedule } from './repo-config-checks.js';
import { checkPolicies } from './rules-checks.js';
import { REPO_CONFIG_FILE, RepoConfig } from './schema.js';
import { suggest } from './suggest.js';
import { parseYamlFile, type YamlDocument } from './yaml.js';

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Provider targets resolved from converge.yml: provider → target name → the target's own settings. */
export type Targets = Map<string, Map<string, unknown>>;

export interface LoadedRepoConfig {
  config: RepoConfig;
  targets: Targets;
  /** False when converge.yml has a problem: resources then skip the errors it would repeat. */
  valid: boolean;
}

/**
 * The parsed converge.yml; every default when it is missing, empty or unreadable. When it has
 * problems, its broken top-level fields take their defaults, so the model files are still
 * checked against the rest and their problems come out in the same load.
 */
function parseRepoConfig(text: string | undefined, diagnostics: Diagnostic[]): { config: RepoConfig; doc?: YamlDocument } {
  if (text === undefined) return { config: RepoConfig.parse({}) };
  const parsed = parseYamlFile(REPO_CONFIG_FILE, text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.documents.length > 1) {
    diagnostics.push(configError('settings.multiple-documents', `${REPO_CONFIG_FILE} must hold one YAML document.`, parsed.documents[1]!.locate([])));
  }
  const doc = parsed.documents[0];
  if (!doc) return { config: RepoConfig.parse({}) };
  const result = RepoConfig.safeParse(doc.value);
  if (result.success) return { config: result.data, doc };
  diagnostics.push(...issuesToDiagnostics(result.error.issues, { schema: RepoConfig, input: doc.value, doc, subject: REPO_CONFIG_FILE }));
  const salvaged = isMapping(doc.value) ? parseWithoutBroken(RepoConfig, doc.value, result.error.issues) : undefined;
  return { config: salvaged?.data ?? RepoConfig.parse({}), doc };
}

/**
 * Each enabled provider's targets, checked by the provider's own target schema. A provider's
 * value is its single target (named `default`) or `{ targets: { name: settings } }`.
 */
function resolveTargets(config: RepoConfig, doc: YamlDocument | undefined, registry: Registry, diagnostics: Diagnostic[]): Targets {
  const targets: Targets = new Map();
  for (const [name, raw] of Object.entries(config.providers)) {
    const provider = registry.provider(name);
    if (!provider) {
      const known = [...registry.providers.keys()];
      const near = suggest(name, known);
      const hint = near ? `; did you mean "${near}"?` : ` (known: ${known.join(', ')}).`;
      diagnostics.push(configError('settings.unknown-provider', `${REPO_CONFIG_FILE}: unknown provider "${name}"${hint}`, doc?.locate(['providers'], name)));
      continue;
    }
    const multi = raw !== null && typeof raw === 'object' && 'targets' in raw;
    const entries = multi
      ? Object.entries(((raw as { targets: unknown }).targets ?? {}) as Record<string, unknown>)
      : [[DEFAULT_TARGET, raw ?? {}] as const];
    const resolved = new Map<string, unknown>();
    for (const [target, value] of entries) {
      const path = multi ? ['providers', name, 'targets', target] : ['providers', name];
      const input = value ?? {};
      const result = provider.targetSettings.safeParse(input);
      if (result.success) resolved.set(target, result.data);
      else if (doc) diagnostics.push(...issuesToDiagnostics(result.error.issues, { schema: provider.targetSettings, input, doc, prefix: path, subject: `${REPO_CONFIG_FILE} provider ${name}` }));
    }
    targets.set(name, resolved);
  }
  return targets;
}

/**
 * Load step one: converge.yml, validated by its schema, its providers' target schemas and the
 * checks that need the registry. Problems are pushed onto `diagnostics`; the repo config
 * returned is always usable (defaults where converge.yml could not be read).
 */
export function loadRepoConfig(files: ConfigFiles, registry: Registry, diagnostics: Diagnostic[]): LoadedRepoConfig {
  const { config: parsed, doc } = parseRepoConfig(files.get(REPO_CONFIG_FILE), diagnostics);
  const targets = resolveTargets(parsed, doc, registry, diagnostics);
  diagnostics.push(...checkRepoConfigKinds(parsed, doc, { kinds: registry.kinds().map((k) => k.kind), providers: [...registry.providers.keys()] }));
  diagnostics.push(...checkPolicies(parsed, doc, registry.kinds()));
  const schedule = checkSchedule(parsed, doc);
  diagnostics.push(...schedule);
  // Whatever happens to this model, an unschedulable pattern never reaches the scheduler.
  const { fullRun: _unschedulable, ...scheduleWithoutCron } = parsed.schedule;
  const config = schedule.length > 0 ? { ...parsed, schedule: scheduleWithoutCron } : parsed;
  return { config, targets, valid: !diagnostics.some((d) => d.location?.file === REPO_CONFIG_FILE) };
}
