import type { RepoConfig } from '../config/schema.js';
import type { DeletionPolicy } from '../core/policy.js';

/**
 * The deletion policy of one run: converge.yml's `prune` (its schema holds the defaults, the
 * one place they are written), with what only the run knows.
 */
export function deletionPolicyOf(config: RepoConfig, run: { overrideMaxDeletions?: boolean; footprint?: readonly string[] } = {}): DeletionPolicy {
  return {
    prune: config.prune.enabled,
    protected: config.prune.protected,
    maxDeletionsPerRun: config.prune.maxDeletionsPerRun,
    overrideMaxDeletions: run.overrideMaxDeletions ?? false,
    ...(run.footprint ? { footprint: run.footprint } : {}),
  };
}
