/**
 * `converge import`: read the live state of the providers' targets in bulk, as full runs do,
 * and write it as a config repo that plans empty against the same targets. The host (the CLI,
 * the onboarding PR) brings credentials and writes the files; this module reads and renders.
 */
import { hasErrors, type Diagnostic } from '../core/diagnostics.js';
import { ConfigurationError, readErrorOf } from '../core/errors.js';
import type { ReadFailure } from '../core/plan-types.js';
import { footprintMatcher } from '../core/policy.js';
import type { ReadProgress } from '../core/provider.js';
import type { Registry } from '../core/registry.js';
import { DEFAULT_TARGET, providerOf, type ActualResource } from '../core/resource.js';
import { loadRepoConfig } from '../config/repo-config.js';
import { REPO_CONFIG_FILE } from '../config/schema.js';
import type { Targets } from '../config/load.js';
import { Sessions } from '../engine/sessions.js';
import { convergeYml } from './converge-yml.js';
import { renderImport } from './render.js';

export { ImportRenderError, renderImport, type RenderInput } from './render.js';
export { RESOURCES_SCHEMA_PATH, SETTINGS_SCHEMA_PATH } from './schema-files.js';

export interface ImportInput<Deps> {
  registry: Registry<Deps>;
  /** The converge.yml `providers` block to write, e.g. `{ github: {} }`; its targets are what is read. */
  providers: Record<string, unknown>;
  /** As the worker passes them (see `providerDeps`). */
  deps: Deps;
  /** Only these kinds. Default: every kind of the providers named. */
  kinds?: string[];
  /** Per kind and target, as its bulk read finishes. */
  onProgress?: (progress: ReadProgress) => void;
  /** The config repo's own name: its footprint is left out, as full runs leave it alone. */
  configRepo?: string;
  /** More glob patterns on resource keys to leave out: what the org's other config repos own. */
  leaveOut?: readonly string[];
}

export interface ImportResult {
  /**
   * Path → text of the config repo. Empty when any read failed: a file set missing what could
   * not be read would plan it as extraneous, or as created once it is added by hand.
   */
  files: Map<string, string>;
  /** Resources read (and, when nothing failed, written). */
  resources: number;
  /** Reads that failed, by kind, target and name (`*`: the whole kind, `<parent>/*`: one parent's children). */
  failures: ReadFailure[];
}

function describe(diagnostics: Diagnostic[]): string {
  return diagnostics.map((d) => d.message).join('\n');
}

/** The targets the providers block names, checked exactly as converge.yml is when loaded. */
function targetsOf<Deps>(registry: Registry<Deps>, providers: Record<string, unknown>): Targets {
  const diagnostics: Diagnostic[] = [];
  const { targets } = loadRepoConfig(new Map([[REPO_CONFIG_FILE, convergeYml(providers)]]), registry as Registry, diagnostics);
  if (hasErrors(diagnostics)) throw new ConfigurationError(`the providers to import from are not valid:\n${describe(diagnostics)}`);
  return targets;
}

function wantedKinds<Deps>(registry: Registry<Deps>, providers: Record<string, unknown>, kinds: string[] | undefined): string[] {
  const named = new Set(Object.keys(providers));
  if (!kinds) return registry.kinds().filter((k) => named.has(providerOf(k.kind))).map((k) => k.kind);
  for (const kind of kinds) {
    if (!registry.kind(kind)) throw new ConfigurationError(`no provider has kind ${kind} (known: ${registry.kinds().map((k) => k.kind).join(', ')}).`);
    if (!named.has(providerOf(kind))) throw new ConfigurationError(`kind ${kind} needs the ${providerOf(kind)} provider, which is not among the providers to import from.`);
  }
  return [...new Set(kinds)];
}

/** Glob patterns on resource keys of the config repo's own resources, from each kind's `footprint`. */
function footprintOf<Deps>(registry: Registry<Deps>, targets: Targets, kinds: string[], configRepo: string): string[] {
  const patterns: string[] = [];
  for (const name of kinds) {
    const footprint = (registry.kind(name) as { footprint?: (repo: string) => string } | undefined)?.footprint;
    if (!footprint) continue;
    for (const target of targets.get(providerOf(name))?.keys() ?? []) {
      patterns.push(`${target === DEFAULT_TARGET ? name : `${name}@${target}`}/${footprint(configRepo)}`);
    }
  }
  return patterns;
}

/**
 * Read every wanted kind of every target in bulk and render the config repo. A target that
 * cannot be connected or listed, and any part of one that cannot be read, is a failure:
 * then no files are returned (see ImportResult.files), and the failures say what to fix.
 */
export async function importLive<Deps>(input: ImportInput<Deps>): Promise<ImportResult> {
  const { registry } = input;
  const targets = targetsOf(registry, input.providers);
  const kinds = wantedKinds(registry, input.providers, input.kinds);
  const wanted = kinds.flatMap((kind) => [...(targets.get(providerOf(kind))?.keys() ?? [])].map((target) => ({ kind, target })));
  const sessions = new Sessions(registry, targets, input.deps);
  const resources: ActualResource[] = [];
  const failures: ReadFailure[] = [];
  try {
    await sessions.connect(wanted);
    const byTarget = new Map<string, { provider: string; target: string; kinds: string[] }>();
    for (const { kind, target } of wanted) {
      const provider = providerOf(kind);
      const id = `${provider}\u0000${target}`;
      const entry = byTarget.get(id) ?? { provider, target, kinds: [] };
      entry.kinds.push(kind);
      byTarget.set(id, entry);
    }
    await Promise.all(
      [...byTarget.values()].map(async ({ provider, target, kinds: own }) => {
        const reported = new Set<string>();
        const onProgress = (progress: ReadProgress) => {
          reported.add(progress.kind);
          input.onProgress?.(progress);
        };
        try {
          const result = await sessions.session(provider, target).readAll(own, { onProgress });
          resources.push(...result.resources);
          failures.push(...result.failures);
          // Providers that read everything at once report nothing on the way: report their kinds now.
          for (const kind of own.filter((k) => !reported.has(k))) {
            onProgress({ kind, target, resources: result.resources.filter((r) => r.kind === kind).length });
          }
        } catch (error) {
          const reason = readErrorOf(error);
          failures.push(...own.map((kind) => ({ kind, target, name: '*', ...reason })));
        }
      }),
    );
  } finally {
    await sessions.closeAll();
  }
  const own = footprintMatcher([...(input.configRepo ? footprintOf(registry, targets, kinds, input.configRepo) : []), ...(input.leaveOut ?? [])]);
  const imported = resources.filter((r) => !own(r));
  if (failures.length > 0) return { files: new Map(), resources: imported.length, failures };
  return { files: renderImport({ registry, providers: input.providers, resources: imported }), resources: imported.length, failures };
}
