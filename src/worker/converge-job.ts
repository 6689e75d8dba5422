import { hasErrors } from '../core/diagnostics.js';
import type { ChangeResult } from '../core/plan-types.js';
import { denials } from '../core/rules.js';
import { runApply, runPlan } from '../engine/run.js';
import { REPO_CONFIG_FILE } from '../config/schema.js';
import { configRepos } from '../env/config-repos.js';
import { githubWebUrl } from '../env/github-host.js';
import { commentData, hiddenData, markedComment } from '../github-app/comments.js';
import {
  appGitHubError,
  defaultBranchHead,
  findLastConverged,
  snapshotAt,
  snapshotPair,
  upsertComment,
  type BranchHead,
  type CommitRef,
  type GitHubClient,
  type LastConverged,
  type RepoRef,
} from '../github-app/index.js';
import { renderPlan, renderResults } from '../github-app/render/index.js';
import {
  attemptOf,
  invalidConfigReason,
  parseAttempts,
  updateLimitReason,
  renderApplyComment,
  withMergedFrom,
  type ApplyAttempt,
  type MergedFrom,
} from '../github-app/render/results.js';
import { plural } from '../github-app/render/markdown.js';
import type { ConvergeJob } from '../queue/jobs.js';
import { footprintFor, loadOtherClaims, noOtherClaims, withClaims } from './claims.js';
import { modelOf, providerDeps, type WorkerContext } from './context.js';
import { withCheckRun } from './job-skeleton.js';
import { checkPolicyRules } from './policy-rules.js';
import { failingKeys, type JobReport } from './job-report.js';

/** The marker of the one comment per merged PR. */
const APPLY_COMMENT = 'apply';

export interface ConvergeOutcome extends JobReport {
  headSha: string;
  fromSha?: string;
  results: ChangeResult[];
  conclusion: 'success' | 'failure' | 'skipped';
}

/** What the apply check run says when no converged commit was found. */
function noProgressText(headSha: string, progress: LastConverged, fullRun: boolean | undefined): string {
  const why = progress.truncated
    ? `No converged commit was found within the last ${progress.searched} commits (the most Converge looks back).`
    : `No converged commit was found in the history (${progress.searched} commits): this is the first convergence.`;
  const next = fullRun
    ? 'A full run was started: it finds what was removed meanwhile and deletes it under the prune policy.'
    : 'Start a full run (`/converge full-run`) to find what was removed meanwhile.';
  return `${why} Every resource at ${headSha.slice(0, 7)} was checked; nothing was deleted. ${next}`;
}

/** A config repo with nothing in it yet gets the onboarding PR (the job opens it only once). */
async function askForOnboarding(context: WorkerContext, job: ConvergeJob, log: WorkerContext['log']): Promise<void> {
  await context.enqueueOnboarding?.({ installationId: job.installationId, owner: job.owner, repo: job.repo, reason: 'empty' }).catch((error: unknown) => log.warn({ err: error }, 'could not enqueue the onboarding check'));
}

async function enqueueFullRun(context: WorkerContext, job: ConvergeJob, log: WorkerContext['log']): Promise<boolean> {
  if (!context.enqueueFullRun) return false;
  try {
    await context.enqueueFullRun({ installationId: job.installationId, owner: job.owner, repo: job.repo, reason: 'schedule' });
    return true;
  } catch (error) {
    log.warn({ err: error }, 'could not enqueue the full run after a convergence without progress');
    return false;
  }
}

/**
 * The check run is the record; the PR comment is a courtesy and never undoes it. Each merged
 * PR's comment keeps the attempts before this one (read back from the comment itself), so a
 * later success never hides an earlier failure. An attempt with nothing to report is only
 * added where a comment already is.
 */
async function commentOnMergedPulls(client: GitHubClient, ref: RepoRef, head: BranchHead, attempt: ApplyAttempt, log: WorkerContext['log']): Promise<void> {
  const quiet = !attempt.stopped && attempt.applied + attempt.failed + attempt.skipped === 0;
  const body = (existing: string | undefined) =>
    renderApplyComment([attempt, ...parseAttempts(commentData(existing, APPLY_COMMENT))], (kept) => hiddenData(APPLY_COMMENT, kept));
  try {
    for (const pull of head.pulls) {
      if (quiet && !markedComment(pull.comments, APPLY_COMMENT)) continue;
      await upsertComment(client, ref, pull.number, APPLY_COMMENT, body, pull.comments);
    }
  } catch (error) {
    log.warn({ err: appGitHubError(error, 'write') }, 'could not comment on the merged pull request');
  }
}

async function currentHead(context: WorkerContext, job: ConvergeJob, ref: RepoRef) {
  const client = await context.auth(job.installationId);
  try {
    return { client, head: await defaultBranchHead(client, ref, { withPulls: true }) };
  } catch (error) {
    // An org without a config repo has nothing to converge (nor has an empty one: no head).
    if (appGitHubError(error).code === 'not-found') return { client, head: undefined };
    throw error;
  }
}

/**
 * Where the last convergence got to: the workers' hint, when the snapshot of that commit is
 * still cached (so nothing about it needs fetching, even if the commit is gone since), else
 * the record in the history, which then becomes the hint.
 */
async function lastConverged(context: WorkerContext, client: GitHubClient, ref: RepoRef, headSha: string): Promise<LastConverged> {
  const { progress, snapshots, log } = context;
  const hint = await (async () => {
    const found = await progress?.get(ref);
    return found?.tree && (await snapshots?.has(ref, found.tree)) ? found : undefined;
  })().catch((error: unknown) => {
    log.warn({ err: error }, 'could not read the progress hint; looking in the history');
    return undefined;
  });
  if (hint) return { sha: hint.sha, tree: hint.tree, searched: 0, truncated: false };
  const appId = context.appId ?? (Number(context.processEnv.APP_ID) || undefined);
  const found = await findLastConverged(client, ref, headSha, context.env.CONVERGE_APPLY_CHECK_NAME, appId ? { appId } : {});
  if (found.sha && found.tree) {
    await progress?.set(ref, { sha: found.sha, tree: found.tree }).catch((error: unknown) => log.warn({ err: error }, 'could not write the progress hint'));
  }
  return found;
}

/**
 * Converge the default branch: from the last converged commit (recorded as a successful
 * apply check run) to the *current* head, whatever commit the triggering push named.
 * Only the resources the delta touches are read and written. The result is recorded as a
 * check run on head (which is also the durable progress marker) and one comment per merged PR.
 */
export async function processConvergeJob(
  job: ConvergeJob,
  context: WorkerContext,
  hooks: {
    remember?(checkRun: { headSha: string; id: number }): Promise<void>;
    /** An earlier attempt ran (failed, or its worker died): it may have left a check run in progress. */
    retried?: boolean;
  } = {},
): Promise<ConvergeOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  if (!configRepos(context.env.CONVERGE_CONFIG_REPO).matches(job.repo)) {
    // Queued before the admin took it off CONVERGE_CONFIG_REPO: the other config repos no longer count its claims.
    context.log.warn('not converged: the repository is not a config repo (CONVERGE_CONFIG_REPO)');
    return { headSha: '', results: [], conclusion: 'skipped' };
  }
  const { client, head: branchHead } = await currentHead(context, job, ref);
  if (!branchHead) {
    context.log.info('no config repo to converge');
    return { headSha: '', results: [], conclusion: 'skipped' };
  }
  const headSha = branchHead.sha;
  // The worker's logger is already bound to the job and repo.
  const log = context.log.child({ sha: headSha });
  const progress = await lastConverged(context, client, ref, headSha);
  const from: CommitRef | undefined = progress.sha ? { sha: progress.sha, tree: progress.tree } : undefined;
  const fromSha = from?.sha;
  if (fromSha === headSha) {
    log.info('already converged');
    return { headSha, fromSha, results: [], conclusion: 'skipped' };
  }

  const earlier = job.checkRun?.headSha === headSha ? job.checkRun.id : undefined;
  const pullsUrl = `${githubWebUrl(context.processEnv)}/${job.owner}/${job.repo}/pull`;
  const mergedFrom: MergedFrom[] = branchHead.pulls.map((pull) => ({ number: pull.number, title: pull.title, url: `${pullsUrl}/${pull.number}` }));
  const source = { client, ref, cache: context.snapshots, log };
  return withCheckRun<ConvergeOutcome>(
    {
      client,
      ref,
      processEnv: context.processEnv,
      log,
      checkRun: { name: context.env.CONVERGE_APPLY_CHECK_NAME, headSha, externalId: `converge:${headSha}`, title: 'Converging…', resume: earlier, adoptOrphan: hooks.retried },
      remember: async (id) => hooks.remember?.({ headSha, id }),
      failure: {
        title: 'Convergence did not finish',
        summary: (message, retryable) => `Convergence stopped: ${message}\n\n${retryable ? 'It will be retried.' : 'Re-run this check to try again.'}`,
        policy: { mode: 'rethrow' },
      },
    },
    async (checkRun) => {
      // What changed is read from the two snapshots themselves: no compare request.
      const snapshots = from ? await snapshotPair(source, from, branchHead) : { head: await snapshotAt(source, branchHead), base: undefined, changed: 'all' as const };
      const own = modelOf(context, ref, branchHead.tree, snapshots.head);
      if (!snapshots.head.has(REPO_CONFIG_FILE) && own.resources.length === 0) await askForOnboarding(context, job, log);
      if (!hasErrors(own.diagnostics)) await context.onRepoConfig?.(job, own.config);
      // A resource another config repo of the org declares too is applied by neither.
      const others = hasErrors(own.diagnostics) ? noOtherClaims() : await loadOtherClaims(context, client, ref);
      const head = withClaims(own, others, context.registry);
      const base = snapshots.base && from ? modelOf(context, ref, from.tree, snapshots.base) : undefined;
      const run = checkRun.closeLater(
        await runPlan({
          registry: context.registry,
          head,
          ...(base ? { base } : {}),
          changed: snapshots.changed,
          deps: providerDeps(context, client, job.owner, log),
          footprint: footprintFor(head, context, ref, others),
          onReadChoice: (choice) => log.info(choice, choice.bulk ? 'reading live state in bulk' : 'reading live state one by one'),
        }),
      );
      const attempt = (url: string) => ({ at: new Date().toISOString(), sha: headSha, url });
      if (hasErrors(run.plan.diagnostics)) {
        // Never half-apply an invalid model: report and write nothing.
        const why = invalidConfigReason(headSha, run.plan.diagnostics);
        const errors = run.plan.diagnostics.filter((d) => d.severity === 'error').length;
        const output = renderPlan({ plan: run.plan, policy: run.policy, context: { description: `Nothing was applied: ${why}. Fix it in a new pull request.`, subject: 'commit' } });
        return {
          result: { ...withMergedFrom(output, mergedFrom), title: `Nothing applied: invalid configuration (${plural(errors, 'error')})`, conclusion: 'failure' },
          outcome: (reported) => ({ headSha, ...(fromSha ? { fromSha } : {}), results: [], conclusion: 'failure', checkRunUrl: reported.url }),
          after: async (reported) => {
            log.warn({ errors }, 'nothing applied: the configuration at head is invalid');
            await commentOnMergedPulls(client, ref, branchHead, { ...attemptOf(attempt(reported.url), []), stopped: why }, log);
          },
        };
      }
      const rules = checkPolicyRules(run.plan, head.config.policies, snapshots.head);
      const denied = denials(rules.violations);
      if (denied.length > 0) {
        // A PR merged past a failing plan check, or a push straight to the branch: a deny rule holds anyway.
        const names = [...new Set(denied.map((v) => v.rule.name))];
        const why = `the policy ${names.length === 1 ? 'rule' : 'rules'} ${names.map((n) => `"${n}"`).join(', ')} of ${REPO_CONFIG_FILE} ${names.length === 1 ? 'denies' : 'deny'} ${plural(new Set(denied.map((v) => v.key)).size, 'change')} at ${headSha.slice(0, 7)}`;
        const output = renderPlan({ plan: run.plan, policy: run.policy, violations: rules.violations, context: { description: `Nothing was applied: ${why}. Undo the change in a new pull request, or change the rule.`, subject: 'commit' } });
        return {
          result: { ...withMergedFrom(output, mergedFrom), title: `Nothing applied: denied by policy (${names.join(', ')})`, conclusion: 'failure' },
          outcome: (reported) => ({ headSha, ...(fromSha ? { fromSha } : {}), results: [], conclusion: 'failure', checkRunUrl: reported.url }),
          after: async (reported) => {
            log.warn({ rules: names, changes: denied.length }, 'nothing applied: a policy rule denies the plan');
            await commentOnMergedPulls(client, ref, branchHead, { ...attemptOf(attempt(reported.url), []), stopped: why }, log);
          },
        };
      }
      const results = await runApply(run, context.registry, context.env.CONVERGE_APPLY_CONCURRENCY);
      // Without a converged commit the removals since then are unknown: a full run finds and prunes them.
      const fullRun = fromSha ? undefined : await enqueueFullRun(context, job, log);
      const output = renderResults({
        results,
        policy: run.policy,
        readFailures: run.plan.readFailures,
        from: mergedFrom,
        context: {
          description: fromSha ? `Converged ${fromSha.slice(0, 7)}..${headSha.slice(0, 7)}.` : noProgressText(headSha, progress, fullRun),
          subject: 'commit',
        },
      });
      return {
        result: output,
        outcome: (reported) => ({
          headSha,
          ...(fromSha ? { fromSha } : {}),
          results,
          conclusion: output.conclusion === 'success' ? 'success' : 'failure',
          checkRunUrl: reported.url,
          failed: failingKeys(results, run.plan.readFailures),
        }),
        after: async (reported) => {
          log.info({ conclusion: output.conclusion, results: results.length }, 'converged');
          // The hint follows the record: a hint that cannot be written fails the job, and its retry writes it.
          if (output.conclusion === 'success') await context.progress?.set(ref, { sha: headSha, tree: branchHead.tree });
          const held = updateLimitReason(run.policy);
          await commentOnMergedPulls(client, ref, branchHead, { ...attemptOf(attempt(reported.url), results, run.plan.readFailures), ...(held ? { stopped: held } : {}) }, log);
        },
      };
    },
  );
}
