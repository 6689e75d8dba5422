import { hasErrors } from '../core/diagnostics.js';
import type { ChangeResult } from '../core/plan-types.js';
import { renderPlan, renderResults } from '../core/render/index.js';
import { loadModel } from '../config/load.js';
import { runApply, runPlan, type PlanRun } from '../engine/run.js';
import { finishCheckRun, startCheckRun } from '../github/check-runs.js';
import { pullsForCommit, upsertComment } from '../github/comments.js';
import { findLastConverged } from '../github/progress.js';
import { compareCommits, fetchSnapshot, type RepoRef } from '../github/snapshot.js';
import type { ConvergeJob } from '../queue/jobs.js';
import { githubWebUrl } from '../settings/github-host.js';
import { toGitHubError } from '../providers/github/errors.js';
import { providerDeps, type WorkerContext } from './context.js';

export interface ConvergeOutcome {
  headSha: string;
  fromSha?: string;
  results: ChangeResult[];
  conclusion: 'success' | 'failure' | 'skipped';
}

async function currentHead(context: WorkerContext, job: ConvergeJob, ref: RepoRef) {
  const client = await context.auth(job.installationId);
  try {
    const { data: repo } = await client.rest.repos.get({ owner: ref.owner, repo: ref.repo });
    const { data: branch } = await client.rest.repos.getBranch({ ...ref, branch: repo.default_branch });
    return { client, headSha: branch.commit.sha };
  } catch (error) {
    // An org without a config repo (or an empty one) has nothing to converge.
    if (toGitHubError(error, undefined, 'read').code === 'not-found') return { client, headSha: undefined };
    throw error;
  }
}

/**
 * Converge the default branch: from the last converged commit (recorded as a successful
 * apply check run) to the *current* head, whatever commit the triggering push named.
 * Only the resources the delta touches are read and written. The result is recorded as a
 * check run on head (which is also the durable progress marker) and one comment per merged PR.
 */
export async function processConvergeJob(job: ConvergeJob, context: WorkerContext): Promise<ConvergeOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  const { client, headSha } = await currentHead(context, job, ref);
  if (!headSha) {
    context.log.info({ repo: `${job.owner}/${job.repo}` }, 'no config repo to converge');
    return { headSha: '', results: [], conclusion: 'skipped' };
  }
  const log = context.log.child({ job: 'converge', repo: `${job.owner}/${job.repo}`, sha: headSha });
  const checkName = context.env.CONVERGE_APPLY_CHECK_NAME;
  const fromSha = await findLastConverged(client, ref, headSha, checkName);
  if (fromSha === headSha) {
    log.info('already converged');
    return { headSha, fromSha, results: [], conclusion: 'skipped' };
  }

  const checkRunId = await startCheckRun(client, ref, { name: checkName, headSha, externalId: `converge:${headSha}`, title: 'Converging…' });
  let run: PlanRun | undefined;
  try {
    const head = loadModel(await fetchSnapshot(client, ref, headSha), context.registry);
    if (!hasErrors(head.diagnostics)) await context.onSettings?.(job, head.settings);
    const comparison = fromSha ? await compareCommits(client, ref, fromSha, headSha) : undefined;
    const base = fromSha ? loadModel(await fetchSnapshot(client, ref, fromSha), context.registry) : undefined;
    run = await runPlan({
      registry: context.registry,
      head,
      ...(base ? { base } : {}),
      changed: comparison?.paths ?? 'all',
      deps: providerDeps(context, client, job.owner, log),
    });
    if (hasErrors(run.plan.diagnostics)) {
      // Never half-apply an invalid model: report and write nothing.
      const output = renderPlan({ plan: run.plan, policy: run.policy, context: { description: 'The configuration at head is invalid; nothing was applied.', subject: 'commit' } });
      await finishCheckRun(client, ref, checkRunId, { ...output, conclusion: 'failure' });
      return { headSha, ...(fromSha ? { fromSha } : {}), results: [], conclusion: 'failure' };
    }
    const results = await runApply(run, context.registry, context.env.CONVERGE_APPLY_CONCURRENCY);
    const output = renderResults({
      results,
      readFailures: run.plan.readFailures,
      context: {
        description: fromSha ? `Converged ${fromSha.slice(0, 7)}..${headSha.slice(0, 7)}.` : `First convergence of ${headSha.slice(0, 7)}: every resource was checked.`,
        subject: 'commit',
      },
    });
    await finishCheckRun(client, ref, checkRunId, output);
    log.info({ conclusion: output.conclusion, results: results.length }, 'converged');

    if (results.length > 0) {
      // The check run above is the record; the PR comment is a courtesy and never undoes it.
      const link = `${githubWebUrl(context.processEnv)}/${job.owner}/${job.repo}/runs/${checkRunId}`;
      try {
        for (const pull of await pullsForCommit(client, ref, headSha)) {
          await upsertComment(client, ref, pull, 'apply', `**Converge apply** finished: ${output.title}. [Details](${link})`);
        }
      } catch (error) {
        log.warn({ err: toGitHubError(error, undefined, 'write') }, 'could not comment on the merged pull request');
      }
    }
    return { headSha, ...(fromSha ? { fromSha } : {}), results, conclusion: output.conclusion === 'success' ? 'success' : 'failure' };
  } catch (thrown) {
    const error = toGitHubError(thrown, undefined, 'read');
    log.warn({ err: error, code: error.code }, 'convergence failed');
    await finishCheckRun(client, ref, checkRunId, {
      conclusion: 'failure',
      title: 'Convergence did not finish',
      summary: `Convergence stopped: ${error.message}\n\n${error.retryable ? 'It will be retried.' : 'Re-run this check to try again.'}`,
    }).catch(() => undefined);
    throw error;
  } finally {
    await run?.sessions.closeAll();
  }
}
