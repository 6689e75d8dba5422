import type { Diagnostic } from '../core/diagnostics.js';
import type { Registry } from '../core/registry.js';
import { resourceKey, type DesiredResource } from '../core/resource.js';
import { selectDefaults, type LoadedDefaults } from './defaults.js';
import { configError, fileStart } from './diagnostic.js';
import { fileIndex } from './file-index.js';
import { sizeProblem, type ConfigFiles, type FileProblem } from './files.js';
import { parseModelFiles, type ParseFile } from './parse.js';
import { isModelPath } from './paths.js';
import { loadRepoConfig, type Targets } from './repo-config.js';
import { validateResources } from './resources.js';
import { REPO_CONFIG_FILE, RepoConfig } from './schema.js';

export type { ConfigFiles, FileProblem } from './files.js';
export type { LoadedDefaults } from './defaults.js';
export type { Targets } from './repo-config.js';
export type { ParseFile } from './parse.js';
export { isConfigPath } from './paths.js';

export interface Model {
  /** The repo config (converge.yml). */
  config: RepoConfig;
  targets: Targets;
  resources: DesiredResource[];
  byKey: Map<string, DesiredResource>;
  /** In precedence order, weakest first. */
  defaults: LoadedDefaults[];
  diagnostics: Diagnostic[];
  /** Keys of every resource a file declares or contributes defaults to. */
  affectedBy(paths: Iterable<string>): Set<string>;
}

function emptyModel(diagnostics: Diagnostic[]): Model {
  const config = RepoConfig.parse({});
  return { config, targets: new Map(), resources: [], byKey: new Map(), defaults: [], diagnostics, affectedBy: () => new Set() };
}

/** By file, then line, then column; stable, so problems on one spot keep the order they were found in. */
function byLocation(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0)
  );
}

/**
 * Why nothing may be loaded from this snapshot, as diagnostics: it is incomplete (it would
 * plan every resource it lost as deleted), or converge.yml could not be read.
 */
function unloadable(files: ConfigFiles, unreadable: ReadonlyMap<string, FileProblem>): Diagnostic[] {
  const fatal = files.problems?.filter((p) => p.fatal) ?? [];
  if (fatal.length > 0) return fatal.map((p) => configError(p.code, p.message, fileStart(p.path)));
  const problem = unreadable.get(REPO_CONFIG_FILE) ?? sizeProblem(REPO_CONFIG_FILE, files.get(REPO_CONFIG_FILE));
  return problem ? [configError(problem.code, problem.message, fileStart(REPO_CONFIG_FILE))] : [];
}

/**
 * Load the config repo into a model, in steps: the repo config (converge.yml), then every
 * model file parsed with positions, then defaults ordered by precedence, then each resource
 * validated with its defaults merged (the resource's own spec always wins), then the file
 * index. Every problem becomes a diagnostic, sorted by location; nothing throws on bad input.
 */
export function loadModel(files: ConfigFiles, registry: Registry, options: { parseFile?: ParseFile } = {}): Model {
  const unreadable = new Map((files.problems ?? []).map((p) => [p.path, p] as const));
  const refused = unloadable(files, unreadable);
  if (refused.length > 0) return emptyModel(refused);

  const diagnostics: Diagnostic[] = [];
  const { config, targets, valid } = loadRepoConfig(files, registry, diagnostics);
  // A file the snapshot could not read is reported, never taken as absent.
  for (const [path, problem] of unreadable) {
    if (isModelPath(config, path)) diagnostics.push(configError(problem.code, problem.message, fileStart(path)));
  }
  const paths = [...files.keys()].filter((path) => isModelPath(config, path)).sort();
  const parsed = parseModelFiles(files, paths, registry, diagnostics, options.parseFile);
  const defaultsFor = selectDefaults(parsed.defaults);
  const resources = validateResources(parsed.resources, { registry, config, targets, configValid: valid, defaultsFor }, diagnostics);
  diagnostics.sort(byLocation);
  return {
    config,
    targets,
    resources,
    byKey: new Map(resources.map((r) => [resourceKey(r), r])),
    defaults: parsed.defaults,
    diagnostics,
    affectedBy: fileIndex(resources),
  };
}
