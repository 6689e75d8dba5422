import type { RepoConfig } from '../config/schema.js';
import { resolveLimit, type DeletionPolicy, type UpdatePolicy } from '../core/policy.js';

/**
 * The deletion policy of one run: converge.yml's `prune` (its schema holds the defaults, the
 * one place they are written), with what only the run knows. `declared` is how many resources
 * the model declares: what a share (`"25%"`) is of.
 */
export function deletionPolicyOf(
  config: RepoConfig,
  run: { overrideMaxDeletions?: boolean; footprint?: readonly string[]; declared?: number } = {},
): DeletionPolicy {
  const cap = resolveLimit(config.prune.maxDeletionsPerRun, run.declared ?? 0);
  return {
    prune: config.prune.enabled,
    protected: config.prune.protected,
    maxDeletionsPerRun: cap.max,
    ...(cap.from ? { maxDeletionsFrom: cap.from } : {}),
    overrideMaxDeletions: run.overrideMaxDeletions ?? false,
    ...(run.footprint ? { footprint: run.footprint } : {}),
  };
}

/** The update limit of one run: converge.yml's `limits.maxUpdatesPerRun` (none by default). */
export function updatePolicyOf(config: RepoConfig, run: { overrideMaxUpdates?: boolean; declared?: number; applies?: UpdatePolicy['applies'] } = {}): UpdatePolicy {
  const setting = config.limits.maxUpdatesPerRun;
  const limit = setting === undefined ? undefined : resolveLimit(setting, run.declared ?? 0);
  return {
    ...(limit ? { maxUpdatesPerRun: limit.max } : {}),
    ...(limit?.from ? { maxUpdatesFrom: limit.from } : {}),
    overrideMaxUpdates: run.overrideMaxUpdates ?? false,
    ...(run.applies ? { applies: run.applies } : {}),
  };
}
