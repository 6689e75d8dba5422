import { hasErrors } from '../core/diagnostics.js';
import { ConvergeError } from '../core/errors.js';
import type { Change, ChangeResult, ReadFailure } from '../core/plan-types.js';
import { resourceKey } from '../core/resource.js';
import { runApply, runPlan, type PlanRun } from '../engine/run.js';
import { githubWebUrl } from '../env/github-host.js';
import { appGitHubError, checkRunUrl, commentOn, defaultBranchHead, snapshotAt, syncDriftIssues, type DriftIssueOutcome, type DriftReport } from '../github-app/index.js';
import { driftIssueTitle, renderDriftReport, renderFullRunOutput, type DriftReportInput } from '../github-app/render/index.js';
import type { FullRunJob } from '../queue/jobs.js';
import { footprintFor, fullRunHold, loadOtherClaims, noOtherClaims, withClaims } from './claims.js';
import { modelOf, providerDeps, type WorkerContext } from './context.js';
import { driftModeOf } from '../config/schema.js';
import { adoptIntoPullRequest, toAdopt, type AdoptPullOutcome } from './adopt-job.js';
import { authorizeFullRun, replyInvalidConfig } from './full-run-auth.js';
import { checkRunProgress } from './full-run-progress.js';
import { liveReuse, notDueYet } from './full-run-pacing.js';
import { withCheckRun } from './job-skeleton.js';
import { failingKeys, type JobReport } from './job-report.js';

export interface FullRunOutcome extends JobReport {
  headSha: string;
  /** Drifted, extraneous or missing resources left after reverting, plus unreadable ones. */
  drifted: number;
  reverted: ChangeResult[];
  issues: DriftIssueOutcome;
  skipped?: 'not-admin' | 'unverified' | 'invalid-config' | 'no-config' | 'events-flowing';
  /** Drift of kinds in `adopt` mode: the adopt PR opened or updated for it. */
  adopt?: AdoptPullOutcome;
}

const noIssues: DriftIssueOutcome = { opened: [], updated: [], unchanged: [], closed: [] };

/** What every drift report of one run shares: all but its items and the issue's body. */
type ReportBase = Omit<DriftReportInput, 'changes' | 'readFailures' | 'previous'>;

function reportFor(base: ReportBase, key: string, title: string, changes: Change[], readFailures: readonly ReadFailure[]): DriftReport {
  return { key, title, body: (previous) => renderDriftReport({ ...base, changes, readFailures, ...(previous === undefined ? {} : { previous }) }) };
}

/**
 * One report for everything left, or in `per-resource` mode one per resource, those that could
 * not be read included, so that each issue is about exactly one thing.
 */
function driftReports(base: ReportBase, remaining: Change[], readFailures: readonly ReadFailure[], mode: 'single' | 'per-resource'): DriftReport[] {
  if (mode === 'per-resource') {
    return [
      ...remaining.map((c) => reportFor(base, resourceKey(c), `Drift: ${resourceKey(c)}`, [c], [])),
      ...readFailures.map((f) => reportFor(base, resourceKey(f), `Drift: ${resourceKey(f)}`, [], [f])),
    ];
  }
  if (remaining.length === 0 && readFailures.length === 0) return [];
  return [reportFor(base, 'all', driftIssueTitle(remaining, readFailures), remaining, readFailures)];
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
  const startedAt = Date.now();
  // Before any request to GitHub: a scheduled run that is not due costs nothing.
  const notDue = await notDueYet(job, context, startedAt);
  if (notDue) {
    const at = (ms: number) => new Date(ms).toISOString();
    context.log.info(
      { lastEventAt: at(notDue.lastEventAt), lastRunAt: at(notDue.lastRunAt), everyDaysWithEvents: job.defaultSchedule?.everyDaysWithEvents, dueAt: at(notDue.dueAt) },
      'scheduled full run skipped: events are flowing and the last full run is recent',
    );
    return { headSha: '', drifted: 0, reverted: [], issues: noIssues, skipped: 'events-flowing' };
  }
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
  const own = modelOf(context, ref, branchHead.tree, await snapshotAt({ client, ref, cache: context.snapshots, log }, branchHead));
  // What the org's other config repos declare is never extraneous here, and a resource both declare is an error.
  const others = hasErrors(own.diagnostics) ? noOtherClaims() : await loadOtherClaims(context, client, ref);
  const head = withClaims(own, others, context.registry);
  const hold = fullRunHold(others);
  if (hasErrors(head.diagnostics)) {
    // The plan check on the PR that broke it already says why; a full run has nothing to compare.
    log.warn({ errors: head.diagnostics.length }, 'full run skipped: the configuration at head is invalid');
    await replyInvalidConfig(client, ref, authorization, { sha: headSha, diagnostics: head.diagnostics, webUrl: githubWebUrl(context.processEnv) });
    return { headSha, drifted: 0, reverted: [], issues: noIssues, skipped: 'invalid-config' };
  }

  // An adoption that cannot be written is logged, not fatal: the drift stays reported in the issue.
  const adoptFound = async (changes: Change[], issue: number | undefined): Promise<AdoptPullOutcome | undefined> => {
    try {
      return await adoptIntoPullRequest({ client, ref, context, log, changes, ...(issue !== undefined ? { issue } : {}) });
    } catch (error) {
      const typed = error instanceof ConvergeError ? error : appGitHubError(error);
      if (typed.retryable) throw typed;
      log.warn({ err: typed }, 'full run could not write the adopt PR');
      return undefined;
    }
  };

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
      const checkRunId = await checkRun.open();
      const progress = checkRunProgress({ client, ref, checkRunId, expected, log });
      const drift = head.config.drift;
      // What this run writes: drift of kinds in revert mode, and, when an admin lifted a limit,
      // what that limit guards whatever the drift mode. A merge held by a limit is then applied
      // by the override in report mode too, where a full run otherwise writes nothing.
      const lifted = (c: Change) => (c.action === 'delete' ? job.overrideMaxDeletions : job.overrideMaxUpdates) === true;
      const applies = (c: Change) => driftModeOf(drift, c.kind) === 'revert' || lifted(c);
      let run: PlanRun;
      try {
        run = checkRun.closeLater(
          await runPlan({
            registry: context.registry,
            head,
            changed: 'all',
            full: true,
            deps: providerDeps(context, client, job.owner, log, await liveReuse(job, context)),
            footprint: footprintFor(head, context, ref, others, { full: true }),
            ...(job.overrideMaxDeletions ? { overrideMaxDeletions: true } : {}),
            ...(job.overrideMaxUpdates ? { overrideMaxUpdates: true } : {}),
            applies,
            // A revert a deny rule forbids is not made: it stays in the drift issue with the rule's name.
            blockDenied: true,
            onProgress: (read) => progress.onProgress(read),
          }),
        );
      } finally {
        // No progress update may land after the final result (or the failure).
        await progress.stop();
      }
      const found = run.plan.changes.filter((c) => c.action !== 'noop');
      const toRevert = found.filter(applies);
      const reverted = toRevert.length > 0 ? await runApply({ ...run, plan: { ...run.plan, changes: toRevert } }, context.registry, context.env.CONVERGE_APPLY_CONCURRENCY) : [];
      const revertedKeys = new Set(reverted.filter((r) => r.status === 'applied').map((r) => resourceKey(r.change)));
      const remaining = found.filter((c) => !revertedKeys.has(resourceKey(c)));

      const reportedFailures = run.plan.readFailures;
      const webUrl = githubWebUrl(context.processEnv);
      const repoUrl = `${webUrl}/${job.owner}/${job.repo}`;
      const fileUrl = (file: string, line: number) => `${repoUrl}/blob/${headSha}/${file}#L${line}`;
      const base: ReportBase = {
        drift,
        run: { sha: headSha, checkRunUrl: checkRunUrl(webUrl, ref, checkRunId), commitUrl: `${repoUrl}/commit/${headSha}` },
        defaultOwners: head.config.owners,
        fileUrl,
        now: new Date(),
      };
      // Held (another config repo's claims unknown): the issues would close on a partial view, so they are left as they are.
      const issues = hold ? noIssues : await syncDriftIssues(client, ref, driftReports(base, remaining, reportedFailures, drift.issues), drift.labels);
      if (hold) log.warn({ unknown: others.unknown }, 'full run held: another config repo could not be loaded');
      const carrying = [...issues.opened, ...issues.updated, ...issues.unchanged].sort((a, b) => a - b);
      // Drift of kinds in adopt mode stays in the issue until the adopt PR that declares it is merged.
      const adopting = hold ? [] : toAdopt(remaining, drift);
      const adopt = adopting.length > 0 ? await adoptFound(adopting, drift.issues === 'single' ? carrying[0] : undefined) : undefined;
      const result = renderFullRunOutput({
        reverted,
        remaining,
        readFailures: reportedFailures,
        issues: carrying.map((number) => ({ number, url: `${repoUrl}/issues/${number}` })),
        ...(run.policy.updateLimitExceeded ? { updateLimit: { requested: run.policy.requestedUpdates ?? 0, limit: run.policy.updateLimit ?? '' } } : {}),
        context: { description: `Full run at ${headSha.slice(0, 7)}.${run.plan.readNotes ? ` ${run.plan.readNotes.join(' ')}` : ''}${hold ? ` ${hold} Drift issues were left as they are.` : ''}`, fileUrl },
      });
      return {
        result,
        outcome: (checkRun) => ({
          headSha,
          drifted: remaining.length + reportedFailures.length,
          reverted,
          issues,
          checkRunUrl: checkRun.url,
          failed: failingKeys(reverted, reportedFailures),
          ...(adopt ? { adopt } : {}),
        }),
        after: async () => {
          log.info({ drifted: remaining.length, reverted: revertedKeys.size, ...issues }, 'full run finished');
          // Held, the drift issues were left as they were: the next scheduled run stays due.
          if (!hold) {
            // The check run already says the run finished: a record not written only makes the next scheduled run due.
            await context.fullRuns?.finished(job, startedAt).catch((error: unknown) => log.warn({ err: error }, 'could not record the finished full run'));
          }
          if (authorization.replyIn) {
            await commentOn(client, ref, authorization.replyIn, `Full run finished at ${headSha.slice(0, 7)}: ${result.title}.`);
          }
        },
      };
    },
  );
}
