import type { ChangeResult, ReadFailure } from '../core/plan-types.js';
import { resourceKey } from '../core/resource.js';

/** What every job processor returns for the worker's `job finished` log line. */
export interface JobReport {
  /** The check run the job reported to. */
  checkRunUrl?: string;
  /** Keys of the resources that failed to apply or could not be read. */
  failed?: string[];
}

export function failingKeys(results: readonly ChangeResult[], readFailures: readonly ReadFailure[] = []): string[] {
  const keys = [...results.filter((r) => r.status === 'failed').map((r) => resourceKey(r.change)), ...readFailures.map((f) => resourceKey(f))];
  return [...new Set(keys)];
}
