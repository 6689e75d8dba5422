import { globFilter } from './globs.js';
import { REPO_CONFIG_FILE, type RepoConfig } from './schema.js';

const filters = new WeakMap<RepoConfig, (path: string) => boolean>();

/** Whether a path holds resources under this repo config; converge.yml itself never does. */
export function isModelPath(config: RepoConfig, path: string): boolean {
  let filter = filters.get(config);
  // Compiled once per repo config: callers ask about every path of a commit.
  if (!filter) filters.set(config, (filter = globFilter(config.include, config.exclude)));
  return path !== REPO_CONFIG_FILE && filter(path);
}

/** Whether a path is part of the model under this repo config (converge.yml always is). */
export function isConfigPath(config: RepoConfig, path: string): boolean {
  return path === REPO_CONFIG_FILE || isModelPath(config, path);
}
