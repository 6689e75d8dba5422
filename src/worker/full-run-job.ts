import { hasErrors } from '../core/diagnostics.js';
import type { Change, ChangeResult } from '../core/plan-types.js';
import { resourceKey } from '../core/resource.js';
import { runApply, runPlan, type PlanRun } from '../engine/run.js';
import { commentOn, defaultBranchHead, snapshotAt, syncDriftIssues, type DriftIssueOutcome, type DriftReport } from '../github-app/index.js';
import { renderPlan, renderResults } from '../github-app/render/index.js';
import { githubFootprint } from '../providers/github/index.js';
import type { FullRunJob } from '../queue/jobs.js';
import { modelOf, providerDeps, type WorkerContext } from './context.js';
import { authorizeFullRun } from './full-run-auth.js';
import { checkRunProgress } from './full-run-progress.js';
import { withCheckRun } from './job-skeleton.js';
import { failingKeys, type JobReport } from './job-report.js';

export interface FullRunOutcome extends JobReport {
  headSha: string;
  /** Drifted or extraneous resources left after reverting, plus unreadable ones. */
  drifted: number;
  reverted: ChangeResult[];
  issues: DriftIssueOutcome;
  skipped?: 'not-admin' | 'unverified' | 'invalid-config' | 'no-config';
}

const noIssues: DriftIssueOutcome = { opened: [], updated: [], closed: [] };

function reportFor(run: PlanRun, changes: Change[], key: string, title: string, description: string): DriftReport {
  const output = renderPlan({
    plan: { changes, diagnostics: [], readFailures: run.plan.readFailures },
    policy: { ...run.policy, requestedDeletions: changes.filter((c) => c.action === 'delete').length },
    context: { description, subject: 'commit' },
  });
  return { key, title, body: `${output.summary}\n\n${output.text}` };
}

function driftReports(run: PlanRun, remaining: Change[], mode: 'single' | 'per-resource', description: string): DriftReport[] {
  if (mode === 'per-resource') {
    return remaining.map((c) => reportFor(run, [c], resourceKey(c), `Drift: ${resourceKey(c)}`, description));
  }
  if (remaining.length === 0 && run.plan.readFailures.length === 0) return [];
  const count = `${remaining.length} resource${remaining.length === 1 ? '' : 's'}`;
  return [reportFor(run, remaining, 'all', `Drift: ${count} differ from the config repo`, description)];
}

/**
 * Read everything the model covers in bulk and diff it against head. Drift (a managed
 * resource that differs from its spec) and extraneous resources (live, in scope, not
 * declared) in `revert` mode are converged back; everything left, and every resource that
 * could not be read, goes into drift issues (updated in place, closed once resolved).
 * Deletions follow the prune policy; those not made stay in the issue as exceptions.
 * Each run leaves a check run on the config repo head with what it found and reverted.
 */
export async function processFullRunJob(job: FullRunJob, context: WorkerContext): Promise<FullRunOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  const client = await context.auth(job.installationId);
  // Before anything is read: a request by comment runs only once GitHub confirms an admin made it.
  const authorization = await authorizeFullRun(client, ref, job, context.env.CONVERGE_CONFIG_REPO);
  if (!authorization.allowed) {
    context.log.warn({ skipped: authorization.skipped, why: authorization.why, commentId: job.commentId }, 'full run refused');
    return { headSha: '', drifted: 0, reverted: [], issues: noIssues, skipped: authorization.skipped };
  }
  const branchHead = await defaultBranchHead(client, ref);
  if (!branchHead) {
    context.log.info('no config to run: the config repo is empty');
    return { headSha: '', drifted: 0, reverted: [], issues: noIssues, skipped: 'no-config' };
  }
  const headSha = branchHead.sha;
  // The worker's logger is already bound to the job and repo.
  const log = context.log.child({ sha: headSha });
  const head = modelOf(context, ref, branchHead.tree, await snapshotAt({ client, ref, cache: context.snapshots, log }, branchHead));
  if (hasErrors(head.diagnostics)) {
    // The plan check on the PR that broke it already says why; a full run has nothing to compare.
    log.warn({ errors: head.diagnostics.length }, 'full run skipped: the configuration at head is invalid');
    return { headSha, drifted: 0, reverted: [], issues: noIssues, skipped: 'invalid-config' };
  }

  return withCheckRun<FullRunOutcome>(
    {
      client,
      ref,
      processEnv: context.processEnv,
      log,
      // Open at once: it shows the run's progress.
      checkRun: { name: context.env.CONVERGE_FULL_RUN_CHECK_NAME, headSha, externalId: `full-run:${headSha}`, title: 'Looking for drift…', showProgressAfterMs: 0 },
      failure: { title: 'The full run did not finish', summary: (message) => `The full run stopped: ${message}`, policy: { mode: 'rethrow' } },
    },
    async (checkRun) => {
      const expected = new Set(head.resources.map((r) => `${r.kind}\u0000${r.target}`)).size;
      const progress = checkRunProgress({ client, ref, checkRunId: await checkRun.open(), expected, log });
      let run: PlanRun;
      try {
        run = checkRun.closeLater(
          await runPlan({
            registry: context.registry,
            head,
            changed: 'all',
            full: true,
            deps: providerDeps(context, client, job.owner, log),
            footprint: githubFootprint(head.targets.get('github'), { owner: job.owner, configRepo: job.repo }),
            ...(job.overrideMaxDeletions ? { overrideMaxDeletions: true } : {}),
            onProgress: (read) => progress.onProgress(read),
          }),
        );
      } finally {
        // No progress update may land after the final result (or the failure).
        await progress.stop();
      }
      const drift = head.config.drift;
      const found = run.plan.changes.filter((c) => c.action !== 'noop');
      const toRevert = found.filter((c) => (drift.kinds[c.kind] ?? drift.mode) === 'revert');
      const reverted = toRevert.length > 0 ? await runApply({ ...run, plan: { ...run.plan, changes: toRevert } }, context.registry, context.env.CONVERGE_APPLY_CONCURRENCY) : [];
      const revertedKeys = new Set(reverted.filter((r) => r.status === 'applied').map((r) => resourceKey(r.change)));
      const remaining = found.filter((c) => !revertedKeys.has(resourceKey(c)));

      const description = `Full run at ${headSha.slice(0, 7)}${revertedKeys.size > 0 ? `; ${revertedKeys.size} resources were reverted to their spec` : ''}.`;
      const issues = await syncDriftIssues(client, ref, driftReports(run, remaining, drift.issues, description), drift.labels);
      const reportedFailures = run.plan.readFailures;

      const results = renderResults({ results: reverted, readFailures: reportedFailures, context: { description, subject: 'commit' } });
      const where = [...issues.opened, ...issues.updated].map((n) => `#${n}`).join(', ');
      const leftTitle = remaining.length === 0 ? 'no drift left' : `${remaining.length} drifted or extraneous left${where ? ` (${where})` : ''}`;
      return {
        result: {
          conclusion: remaining.length === 0 && reportedFailures.length === 0 && results.conclusion !== 'failure' ? 'success' : 'neutral',
          title: `${revertedKeys.size} reverted, ${leftTitle}`,
          summary: results.summary,
          text: results.text,
        },
        outcome: (checkRun) => ({
          headSha,
          drifted: remaining.length + reportedFailures.length,
          reverted,
          issues,
          checkRunUrl: checkRun.url,
          failed: failingKeys(reverted, reportedFailures),
        }),
        after: async () => {
          log.info({ drifted: remaining.length, reverted: revertedKeys.size, ...issues }, 'full run finished');
          if (authorization.replyIn) {
            await commentOn(client, ref, authorization.replyIn, `Full run finished at ${headSha.slice(0, 7)}: ${revertedKeys.size} reverted, ${leftTitle}.`);
          }
        },
      };
    },
  );
}
