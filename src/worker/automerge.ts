import type { Logger } from 'pino';
import type { ApprovalEvaluation } from '../core/approvals.js';
import { automergeWithApprovals, planBlockers, policyVerdicts, type MergeMethod } from '../core/automerge.js';
import type { RepoConfig } from '../config/schema.js';
import { REPO_CONFIG_FILE } from '../config/schema.js';
import type { PlanRun } from '../engine/run.js';
import { setAutoMerge } from '../github-app/automerge.js';
import type { GitHubClient, RepoRef } from '../github-app/client.js';
import type { PullState } from '../github-app/reviews.js';
import type { StoredAutomerge } from '../github-app/render/approvals.js';
import type { PolicyRulesOutcome } from './policy-rules.js';

/**
 * Turn GitHub's auto-merge on or off for the PR as the decision says, and say what happened in
 * one sentence for the plan. A GitHub failure is reported there, never fails the plan.
 */
export async function applyAutomerge(
  client: GitHubClient,
  ref: RepoRef,
  pull: Pick<PullState, 'number' | 'nodeId' | 'headSha'>,
  stored: StoredAutomerge,
  evaluation: ApprovalEvaluation,
  log: Logger,
): Promise<string> {
  const decision = automergeWithApprovals(stored.blockers, evaluation);
  try {
    const outcome = await setAutoMerge(client, ref, pull, decision, stored.method);
    log.info({ automerge: outcome.state }, 'auto-merge decided');
    return outcome.message;
  } catch (error) {
    log.warn({ err: error }, 'could not set auto-merge');
    return `Converge could not ${decision.qualifies ? 'turn on' : 'check'} auto-merge: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The plan job's part: what the plan itself keeps from auto-merge (kept with the check run, so
 * a later review decides again without planning), then the decision with the approvals as
 * they are now.
 */
export async function decideAutomerge(
  client: GitHubClient,
  ref: RepoRef,
  gated: { evaluation: ApprovalEvaluation; pull: PullState },
  plan: { run: PlanRun; rules: PolicyRulesOutcome; automerge: RepoConfig['automerge']; changed: readonly string[] },
  log: Logger,
): Promise<StoredAutomerge & { outcome: string }> {
  const blockers = planBlockers({
    changes: plan.run.plan.changes,
    diagnostics: plan.run.plan.diagnostics,
    readFailures: plan.run.plan.readFailures,
    violations: policyVerdicts(plan.rules.violations, undefined),
    repoConfigChanged: plan.changed.includes(REPO_CONFIG_FILE),
  });
  const stored = { method: plan.automerge.method as MergeMethod, blockers };
  return { ...stored, outcome: await applyAutomerge(client, ref, gated.pull, stored, gated.evaluation, log) };
}
