/**
 * The approval check: after a review was submitted, edited or dismissed, the plan check run
 * on the PR's current head is re-gated from what the plan stored in it (the requirements, the
 * plan's own conclusion and title) and the reviews as they are now. Nothing is planned again
 * and no target is read: the requests are the pull request, its reviews, team memberships,
 * the check run and its update.
 */
import { RetryableError } from '../core/errors.js';
import { checkApprovals, fetchPull, latestCheckRun } from '../github-app/reviews.js';
import { finishCheckRun } from '../github-app/check-runs.js';
import { readApprovals, regate } from '../github-app/render/approvals.js';
import type { ApprovalsJob } from '../queue/jobs.js';
import type { WorkerContext } from './context.js';
import type { JobReport } from './job-report.js';
import { applyAutomerge } from './automerge.js';

export interface ApprovalsJobOutcome extends JobReport {
  /** What became of the plan check: re-gated, already right, or why nothing was done. */
  result: 'updated' | 'unchanged' | 'closed' | 'no-plan-check' | 'nothing-required';
  conclusion?: string;
  checkRunId?: number;
}

export async function processApprovalsJob(job: ApprovalsJob, context: WorkerContext, hooks: { finalAttempt: boolean }): Promise<ApprovalsJobOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  const client = await context.auth(job.installationId);
  const pull = await fetchPull(client, ref, job.pullNumber);
  const log = context.log.child({ pull: job.pullNumber, sha: pull.headSha });
  if (!pull.open) return { result: 'closed' };
  const check = await latestCheckRun(client, ref, pull.headSha, context.env.CONVERGE_PLAN_CHECK_NAME, `plan:${job.pullNumber}`);
  if (!check || check.status !== 'completed') {
    // The plan of this head is still being computed (it reads the reviews itself at its end,
    // but may have read them before this review): try again once it is reported.
    if (!hooks.finalAttempt) throw new RetryableError(`the plan check of ${pull.headSha.slice(0, 7)} is not reported yet`);
    log.warn('no finished plan check run to re-gate on the PR head');
    return { result: 'no-plan-check' };
  }
  const stored = readApprovals(check.summary);
  // A plan that needs no approval (or a head that was not planned) has nothing to re-gate.
  if (!stored || stored.headSha !== pull.headSha) return { result: 'nothing-required', checkRunId: check.id };
  const evaluation = await checkApprovals(client, ref, pull, stored.requirements);
  // Before the check is re-gated: a check that passes must never leave an earlier auto-merge on.
  const automerge = stored.automerge ? await applyAutomerge(client, ref, pull, stored.automerge, evaluation, log) : undefined;
  const next = regate(check.summary, stored, evaluation, automerge);
  if (next.conclusion === check.conclusion && next.summary === check.summary && next.title === check.title) {
    return { result: 'unchanged', conclusion: next.conclusion, checkRunId: check.id };
  }
  // The text goes back as it was; annotations are kept by GitHub (none are added).
  await finishCheckRun(client, ref, check.id, { ...next, ...(check.text ? { text: check.text } : {}) });
  log.info({ conclusion: next.conclusion, satisfied: evaluation.satisfied }, 'plan check re-gated on approvals');
  return { result: 'updated', conclusion: next.conclusion, checkRunId: check.id };
}
