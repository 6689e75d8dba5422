import { hasErrors } from '../core/diagnostics.js';
import type { Change, ChangeResult } from '../core/plan-types.js';
import { renderPlan } from '../core/render/index.js';
import { resourceKey } from '../core/resource.js';
import { loadModel } from '../config/load.js';
import { runApply, runPlan, type PlanRun } from '../engine/run.js';
import { syncDriftIssues, type DriftReport } from '../github/drift-issues.js';
import { fetchSnapshot, type RepoRef } from '../github/snapshot.js';
import type { GitHubClient } from '../providers/deps.js';
import type { FullRunJob } from '../queue/jobs.js';
import { providerDeps, type WorkerContext } from './context.js';

async function isAdmin(client: GitHubClient, ref: RepoRef, username: string): Promise<boolean> {
  const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ owner: ref.owner, repo: ref.repo, username });
  return data.permission === 'admin';
}

export interface FullRunOutcome {
  headSha: string;
  drifted: number;
  reverted: ChangeResult[];
  issues: { opened: number[]; updated: number[]; closed: number[] };
}

function reportFor(run: PlanRun, changes: Change[], key: string, title: string, context: string): DriftReport {
  const output = renderPlan({
    plan: { changes, diagnostics: [], readFailures: run.plan.readFailures },
    policy: { ...run.policy, requestedDeletions: changes.filter((c) => c.action === 'delete').length },
    context: { description: context, subject: 'commit' },
  });
  return { key, title, body: `${output.summary}\n\n${output.text}` };
}

/**
 * Read everything the model covers in bulk, diff it against head, and report drift
 * (managed resources that differ) and extraneous resources (live, in scope, undeclared) as
 * GitHub issues. Kinds in `revert` mode are converged back first, and what was reverted is
 * reported. Deletions follow the prune policy; the ones not made are listed as exceptions.
 */
export async function processFullRunJob(job: FullRunJob, context: WorkerContext): Promise<FullRunOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  const client = await context.auth(job.installationId);
  if (job.requestedBy && !(await isAdmin(client, ref, job.requestedBy))) {
    if (job.requestedIn) {
      await client.rest.issues.createComment({ ...ref, issue_number: job.requestedIn, body: `@${job.requestedBy} only admins of this repository can start a full run.` });
    }
    return { headSha: '', drifted: 0, reverted: [], issues: { opened: [], updated: [], closed: [] } };
  }
  const { data: repo } = await client.rest.repos.get({ owner: ref.owner, repo: ref.repo });
  const { data: branch } = await client.rest.repos.getBranch({ owner: ref.owner, repo: ref.repo, branch: repo.default_branch });
  const headSha = branch.commit.sha;
  const log = context.log.child({ job: 'full-run', repo: `${job.owner}/${job.repo}`, sha: headSha });
  const head = loadModel(await fetchSnapshot(client, ref, headSha), context.registry);
  if (hasErrors(head.diagnostics)) {
    log.warn({ errors: head.diagnostics.length }, 'full run skipped: the configuration at head is invalid');
    return { headSha, drifted: 0, reverted: [], issues: { opened: [], updated: [], closed: [] } };
  }

  const run = await runPlan({
    registry: context.registry,
    head,
    changed: 'all',
    full: true,
    deps: providerDeps(context, client, job.owner, log),
    ...(job.overrideMaxDeletions ? { overrideMaxDeletions: true } : {}),
  });
  try {
    const drift = head.settings.drift;
    const modeOf = (change: Change) => drift.kinds[change.kind] ?? drift.mode;
    const found = run.plan.changes.filter((c) => c.action !== 'noop');
    const toRevert = found.filter((c) => modeOf(c) === 'revert');
    let reverted: ChangeResult[] = [];
    if (toRevert.length > 0) {
      reverted = await runApply({ ...run, plan: { ...run.plan, changes: toRevert } }, context.registry, context.env.CONVERGE_APPLY_CONCURRENCY);
    }
    const revertedKeys = new Set(reverted.filter((r) => r.status === 'applied').map((r) => resourceKey(r.change)));
    // What remains: drift in report mode, reverts that failed, and deletions policy kept.
    const remaining = found.filter((c) => !revertedKeys.has(resourceKey(c)));

    const at = `Full run at ${headSha.slice(0, 7)}${revertedKeys.size > 0 ? `; ${revertedKeys.size} resources were reverted to their spec` : ''}.`;
    const reports: DriftReport[] =
      drift.issues === 'per-resource'
        ? remaining.map((c) => reportFor(run, [c], resourceKey(c), `Drift: ${resourceKey(c)}`, at))
        : remaining.length > 0 || run.plan.readFailures.length > 0
          ? [reportFor(run, remaining, 'all', `Drift: ${remaining.length} resource${remaining.length === 1 ? '' : 's'} differ from the config repo`, at)]
          : [];
    const issues = await syncDriftIssues(client, ref, reports, drift.labels);
    log.info({ drifted: remaining.length, reverted: revertedKeys.size, ...issues }, 'full run finished');
    if (job.requestedIn) {
      const where = [...issues.opened, ...issues.updated].map((n) => `#${n}`).join(', ');
      await client.rest.issues.createComment({
        ...ref,
        issue_number: job.requestedIn,
        body: `Full run finished at ${headSha.slice(0, 7)}: ${remaining.length} drifted or extraneous resources${where ? ` (see ${where})` : ''}, ${revertedKeys.size} reverted.`,
      });
    }
    return { headSha, drifted: remaining.length, reverted, issues };
  } finally {
    await run.sessions.closeAll();
  }
}
