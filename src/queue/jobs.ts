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
  /**
   * The PR's head is in another repository (a fork) or in none (deleted fork). Its author
   * controls the YAML yet the plan reads with the app's credentials, so the plan job plans it
   * only when the default branch's converge.yml opts in. A job without it counts as a fork.
   */
  fromFork: boolean;
}

/** Converges the default branch head from the last converged commit. Carries no commit on purpose. */
export interface ConvergeJob extends RepoJob {
  /** The push that asked for it, for logs only. */
  afterSha?: string;
  /**
   * The apply check run an earlier attempt of this job opened on `checkRun.headSha`: a retry or
   * a re-run after its worker died finishes that one instead of leaving it in progress forever.
   */
  checkRun?: { headSha: string; id: number };
}

export interface FullRunJob extends RepoJob {
  /**
   * An admin asked to lift maxDeletionsPerRun for this run: it deletes what it finds (within
   * the prune policy) whatever the drift mode.
   */
  overrideMaxDeletions?: boolean;
  /**
   * An admin asked to lift limits.maxUpdatesPerRun for this run: it applies the configuration
   * to what it finds (creates, updates, renames) whatever the drift mode.
   */
  overrideMaxUpdates?: boolean;
  reason: 'schedule' | 'manual';
  /**
   * Set by the scheduler when converge.yml names no `schedule.fullRun` (the default daily
   * cron): the job may then be skipped while events flow, without reading converge.yml. A
   * scheduler written before this field existed runs daily, as it did.
   */
  defaultSchedule?: { everyDaysWithEvents: number };
  /**
   * The `/converge full-run` comment that asked (in the config repo). The worker fetches it
   * by id and takes the command and its author from GitHub's answer, then checks that the
   * author is an admin of the config repo. A manual job naming a requester without a comment
   * id is refused. Only the operator's CLI enqueues manual runs with neither.
   */
  commentId?: number;
  /** The commenter's login as the webhook named it: for logs and replies only, never trusted. */
  requestedBy?: string;
  /** The issue or PR the comment was on, as the webhook named it (the worker uses GitHub's answer). */
  requestedIn?: number;
}

/**
 * `/converge adopt <key>` on a drift issue: the adopt PR changes the configuration so that the
 * resource is declared as it is live. Authorized like a full run by comment: the worker
 * re-reads the comment and checks that its author is an admin of the config repo.
 */
export interface AdoptJob extends RepoJob {
  /** The resource key, as the comment named it; the worker takes it from GitHub's copy. */
  key: string;
  commentId: number;
  /** The commenter's login as the webhook named it: for logs only, never trusted. */
  requestedBy?: string;
  /** The issue the comment was on, as the webhook named it (the worker uses GitHub's answer). */
  requestedIn?: number;
}

/**
 * Opens the onboarding PR on a config repo with no converge.yml: when the app is installed,
 * when the config repo is created, when a push finds it empty, or when an operator asks.
 */
export interface OnboardJob extends RepoJob {
  /** `manual` (the operator's `npm run onboard`) opens it again after one was closed. */
  reason: 'installed' | 'created' | 'empty' | 'manual';
}

/**
 * Re-checks a PR's plan check against its reviews, after a review was submitted, edited or
 * dismissed. Carries only the PR: the worker reads its head, reviews and the plan check's
 * stored requirements from GitHub, and never reads a target.
 */
export interface ApprovalsJob extends RepoJob {
  pullNumber: number;
}

export const PLAN_QUEUE = 'plan';
export const APPROVALS_QUEUE = 'approvals';
export const CONVERGE_QUEUE = 'converge';

export function repoKey(job: RepoJob): string {
  return `${job.owner}/${job.repo}`.toLowerCase();
}

/**
 * Re-reads the resources GitHub's events said were changed, in one config repo, and updates
 * its drift issue. Carries nothing but the repo: the keys, with who changed them and when,
 * wait in Redis (drift-marks.ts) and the job drains them, so a burst of events collapses into
 * one job that sees them all.
 */
export interface DriftJob extends RepoJob {
  /** The marks an earlier attempt drained, kept on the job so that a retry re-reads them too. */
  marks?: Record<string, { sender: string; at: string; url?: string; event: string }>;
}
