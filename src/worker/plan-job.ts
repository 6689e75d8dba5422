import { isConfigPath } from '../config/load.js';
import type { ApprovalRequirement } from '../core/approvals.js';
import { ownerRequirements } from '../core/approvals.js';
import { resourceKey } from '../core/resource.js';
import { runPlan } from '../engine/run.js';
import { githubWebUrl } from '../env/github-host.js';
import { compareCommits, snapshotPair } from '../github-app/index.js';
import { postPlanPages } from '../github-app/plan-pages.js';
import { planApprovals } from '../github-app/reviews.js';
import { decideAutomerge } from './automerge.js';
import { renderNoManagedFiles, renderPlan } from '../github-app/render/index.js';
import { redactLiveValues } from '../github-app/render/redact.js';
import type { PlanJob } from '../queue/jobs.js';
import { footprintFor, loadOtherClaims, withClaims } from './claims.js';
import { modelOf, providerDeps, type WorkerContext } from './context.js';
import { FORK_REDACTED_FIELDS, forkNotPlanned, forkPlansAllowed } from './fork-policy.js';
import { withCheckRun } from './job-skeleton.js';
import { checkPolicyRules, redactViolations, rulesInForce } from './policy-rules.js';
import { failingKeys, type JobReport } from './job-report.js';

export interface PlanJobOutcome extends JobReport {
  checkRunId: number;
  conclusion: string;
  /** What the plan's `require-approval` policy rules ask for (`source: 'rule'`); empty without such a rule. */
  ruleApprovals?: ApprovalRequirement[];
}

/**
 * Compute the plan a PR would cause and report it as a check run on the PR head. Only reads
 * the target systems: nothing in this path can write to them (it never calls apply).
 */
export async function processPlanJob(
  job: PlanJob,
  context: WorkerContext,
  hooks: { remember(checkRunId: number): Promise<void>; finalAttempt: boolean; retried?: boolean },
): Promise<PlanJobOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  // The worker's logger is already bound to the job and repo.
  const log = context.log.child({ pull: job.pullNumber, sha: job.headSha });
  const client = await context.auth(job.installationId);
  // A job without the flag (enqueued by an older web process) counts as a fork: fail closed.
  const fromFork = job.fromFork !== false;
  return withCheckRun<PlanJobOutcome>(
    {
      client,
      ref,
      processEnv: context.processEnv,
      log,
      checkRun: { name: context.env.CONVERGE_PLAN_CHECK_NAME, headSha: job.headSha, externalId: `plan:${job.pullNumber}`, title: 'Computing the plan…', resume: job.checkRunId, adoptOrphan: hooks.retried },
      remember: hooks.remember,
      failure: {
        title: 'Converge could not compute the plan',
        summary: (message) => `The plan could not be computed: ${message}\n\nRe-run this check to try again.`,
        policy: { mode: 'complete-when-final', finalAttempt: hooks.finalAttempt, outcome: (checkRun) => ({ checkRunId: checkRun.id, conclusion: 'failure', checkRunUrl: checkRun.url }) },
      },
    },
    async (checkRun) => {
      if (fromFork && !(await forkPlansAllowed(client, ref, context.registry))) {
        log.info('fork PR not planned');
        return { result: forkNotPlanned, outcome: (reported) => ({ checkRunId: reported.id, conclusion: 'neutral' }) };
      }
      const comparison = await compareCommits(client, ref, job.baseSha, job.headSha);
      const snapshots = await snapshotPair({ client, ref, cache: context.snapshots, log }, comparison.mergeBase, comparison.head, comparison.files);
      const own = modelOf(context, ref, comparison.head.tree, snapshots.head);
      if (!snapshots.changed.some((p) => isConfigPath(own.config, p))) {
        return { result: renderNoManagedFiles(), outcome: (reported) => ({ checkRunId: reported.id, conclusion: 'neutral', checkRunUrl: reported.url }) };
      }
      // What the org's other config repos declare: a resource claimed by both is an error here.
      const others = await loadOtherClaims(context, client, ref);
      const head = withClaims(own, others, context.registry);
      const base = modelOf(context, ref, comparison.mergeBase.tree, snapshots.base);
      const run = checkRun.closeLater(
        await runPlan({
          registry: context.registry,
          head,
          base,
          changed: snapshots.changed,
          deps: providerDeps(context, client, job.owner, log),
          footprint: footprintFor(head, context, ref, others),
          onReadChoice: (choice) => log.info(choice, choice.bulk ? 'reading live state in bulk' : 'reading live state one by one'),
        }),
      );
      // On the plan as computed: redaction must not hide a value a rule looks at.
      const rules = checkPolicyRules(run.plan, rulesInForce(head.config, base.config), snapshots.head);
      // Who must approve: the changed resources' owners (converge.yml `approvals`) and the policy rules' `require-approval`.
      // The base's settings and owners hold too, so that a PR cannot switch its own gate off.
      const byOwners = head.config.approvals.required === 'owners' || base.config.approvals.required === 'owners';
      const requirements = [...(byOwners ? ownerRequirements(run.plan.changes, (r) => base.byKey.get(resourceKey(r))?.owners) : []), ...rules.approvals];
      // Reviews and team memberships only: the approval check reads no target.
      const automerge = head.config.automerge;
      const gated = requirements.length > 0 || automerge.enabled ? await planApprovals(client, ref, { number: job.pullNumber, headSha: job.headSha }, requirements) : undefined;
      const approvals = gated && automerge.enabled ? { ...gated, automerge: await decideAutomerge(client, ref, gated, { run, rules, automerge, changed: snapshots.changed }, log) } : gated;
      const output = renderPlan({
        ...(approvals ? { approvals } : {}),
        plan: fromFork ? redactLiveValues(run.plan, FORK_REDACTED_FIELDS) : run.plan,
        violations: fromFork ? redactViolations(rules.violations, FORK_REDACTED_FIELDS) : rules.violations,
        policy: run.policy,
        failOn: head.config.plans.failOn,
        context: {
          description: `Delta from ${comparison.mergeBase.sha.slice(0, 7)} (merge base) to ${job.headSha.slice(0, 7)}.`,
          fileUrl: (file, line) => `${githubWebUrl(context.processEnv)}/${job.owner}/${job.repo}/blob/${job.headSha}/${file}#L${line}`,
          pages: true,
          changedFiles: new Set(snapshots.changed),
        },
      });
      return {
        result: output,
        after: async (reported) => {
          // The check run is the record: a continuation that cannot be posted is logged, not fatal.
          await postPlanPages(client, ref, job.pullNumber, job.headSha, output.pages ?? [], reported.url).catch((error: unknown) =>
            log.warn({ err: error }, 'could not post the plan continuation comments'),
          );
          log.info({ conclusion: output.conclusion, changes: run.plan.changes.length, pages: output.pages?.length ?? 0 }, 'plan reported');
        },
        outcome: (reported) => ({
          checkRunId: reported.id,
          conclusion: output.conclusion,
          checkRunUrl: reported.url,
          failed: failingKeys([], run.plan.readFailures),
          ...(rules.approvals.length > 0 ? { ruleApprovals: rules.approvals } : {}),
        }),
      };
    },
  );
}
