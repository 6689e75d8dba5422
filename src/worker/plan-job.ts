import { loadModel, isConfigPath } from '../config/load.js';
import { renderNoManagedFiles, renderPlan } from '../core/render/index.js';
import { redactLiveValues } from '../core/render/redact.js';
import { runPlan, type PlanRun } from '../engine/run.js';
import { checkRunUrl, finishCheckRun, startCheckRun } from '../github/check-runs.js';
import { compareCommits, fetchSnapshot } from '../github/snapshot.js';
import type { PlanJob } from '../queue/jobs.js';
import { githubWebUrl } from '../settings/github-host.js';
import { toGitHubError } from '../providers/github/errors.js';
import { githubFootprint } from '../providers/github/footprint.js';
import { providerDeps, type WorkerContext } from './context.js';
import { FORK_REDACTED_FIELDS, forkNotPlanned, forkPlansAllowed } from './fork-policy.js';
import { failingKeys, type JobReport } from './job-report.js';

export interface PlanJobOutcome extends JobReport {
  checkRunId: number;
  conclusion: string;
}

/**
 * Compute the plan a PR would cause and report it as a check run on the PR head. Only reads
 * the target systems: nothing in this path can write to them (it never calls apply).
 */
export async function processPlanJob(
  job: PlanJob,
  context: WorkerContext,
  hooks: { remember(checkRunId: number): Promise<void>; finalAttempt: boolean },
): Promise<PlanJobOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  // The worker's logger is already bound to the job and repo.
  const log = context.log.child({ pull: job.pullNumber, sha: job.headSha });
  const client = await context.auth(job.installationId);
  const checkRunId =
    job.checkRunId ??
    (await startCheckRun(client, ref, {
      name: context.env.CONVERGE_PLAN_CHECK_NAME,
      headSha: job.headSha,
      externalId: `plan:${job.pullNumber}`,
      title: 'Computing the plan…',
    }));
  await hooks.remember(checkRunId);
  const link = checkRunUrl(githubWebUrl(context.processEnv), ref, checkRunId);

  let run: PlanRun | undefined;
  // A job without the flag (enqueued by an older web process) counts as a fork: fail closed.
  const fromFork = job.fromFork !== false;
  try {
    if (fromFork && !(await forkPlansAllowed(client, ref, context.registry))) {
      await finishCheckRun(client, ref, checkRunId, forkNotPlanned);
      log.info('fork PR not planned');
      return { checkRunId, conclusion: 'neutral' };
    }
    const comparison = await compareCommits(client, ref, job.baseSha, job.headSha);
    const headFiles = await fetchSnapshot(client, ref, job.headSha);
    const head = loadModel(headFiles, context.registry);
    const touched = comparison.paths === 'all' || comparison.paths.some((p) => isConfigPath(head.settings, p));
    if (!touched) {
      await finishCheckRun(client, ref, checkRunId, renderNoManagedFiles());
      return { checkRunId, conclusion: 'neutral', checkRunUrl: link };
    }
    const base = loadModel(await fetchSnapshot(client, ref, comparison.mergeBase), context.registry);
    run = await runPlan({
      registry: context.registry,
      head,
      base,
      changed: comparison.paths,
      deps: providerDeps(context, client, job.owner, log),
      footprint: githubFootprint(head.targets.get('github'), { owner: job.owner, configRepo: job.repo }),
    });
    const output = renderPlan({
      plan: fromFork ? redactLiveValues(run.plan, FORK_REDACTED_FIELDS) : run.plan,
      policy: run.policy,
      context: {
        description: `Delta from ${comparison.mergeBase.slice(0, 7)} (merge base) to ${job.headSha.slice(0, 7)}.`,
        fileUrl: (file, line) => `${githubWebUrl(context.processEnv)}/${job.owner}/${job.repo}/blob/${job.headSha}/${file}#L${line}`,
      },
    });
    await finishCheckRun(client, ref, checkRunId, output);
    log.info({ conclusion: output.conclusion, changes: run.plan.changes.length }, 'plan reported');
    return { checkRunId, conclusion: output.conclusion, checkRunUrl: link, failed: failingKeys([], run.plan.readFailures) };
  } catch (thrown) {
    const error = toGitHubError(thrown, undefined, 'read');
    log.warn({ err: error, code: error.code }, 'plan failed');
    if (!error.retryable || hooks.finalAttempt) {
      await finishCheckRun(client, ref, checkRunId, {
        conclusion: 'failure',
        title: 'Converge could not compute the plan',
        summary: `The plan could not be computed: ${error.message}\n\nRe-run this check to try again.`,
      });
      return { checkRunId, conclusion: 'failure', checkRunUrl: link };
    }
    throw error;
  } finally {
    await run?.sessions.closeAll();
  }
}
