/** Job payloads. Small and serialisable: workers fetch everything else from GitHub. */

export interface RepoJob {
  installationId: number;
  owner: string;
  repo: string;
}

export interface PlanJob extends RepoJob {
  pullNumber: number;
  headSha: string;
  /** The PR's base branch tip when the event was sent; the plan diffs from its merge base. */
  baseSha: string;
  /** An existing check run to update instead of creating one (re-runs). */
  checkRunId?: number;
}

/** Converges the default branch head from the last converged commit. Carries no commit on purpose. */
export interface ConvergeJob extends RepoJob {
  /** The push that asked for it, for logs only. */
  afterSha?: string;
}

export interface FullRunJob extends RepoJob {
  /** An admin asked to lift maxDeletionsPerRun for this run. */
  overrideMaxDeletions?: boolean;
  reason: 'schedule' | 'manual';
  /** Who asked for a manual run; the worker checks they are a config repo admin. */
  requestedBy?: string;
  /** The issue or PR the request came from, to answer there. */
  requestedIn?: number;
}

export const PLAN_QUEUE = 'plan';
export const CONVERGE_QUEUE = 'converge';

export function repoKey(job: RepoJob): string {
  return `${job.owner}/${job.repo}`.toLowerCase();
}
