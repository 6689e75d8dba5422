/**
 * The drift check after GitHub's events: re-read only the resources events marked, diff them
 * against the default branch head, revert those in `revert` mode at once, and merge what is
 * left into the drift issue, attributed to whoever changed it. Everything else the issue lists
 * (the last full run's findings) stays as it was. A marked key the model does not declare is
 * looked for live too: in scope, it is extraneous, reported (and pruned, where the prune policy
 * and revert mode allow) as a full run would. The full run remains the backstop for what no
 * event reports.
 */
import { hasErrors } from '../core/diagnostics.js';
import type { Change, ChangeResult, ReadFailure } from '../core/plan-types.js';
import { parseResourceKey, resourceKey } from '../core/resource.js';
import type { Model } from '../config/load.js';
import { runApply, runPlan } from '../engine/run.js';
import { githubWebUrl } from '../env/github-host.js';
import { appGitHubError, defaultBranchHead, snapshotAt, syncDriftIssues, type DriftIssueOutcome, type DriftReport, type GitHubClient, type RepoRef } from '../github-app/index.js';
import { driftIssueTitle, renderDriftReport, type DriftReportInput } from '../github-app/render/index.js';
import { mention, parseItems, type Attribution } from '../github-app/render/drift-items.js';
import { formatWhen } from '../github-app/render/drift-history.js';
import { code } from '../github-app/render/markdown.js';
import type { DriftMark, DriftMarks, RevertCounter } from '../queue/drift-marks.js';
import type { DriftJob } from '../queue/jobs.js';
import { footprintFor, loadOtherClaims, noOtherClaims, withClaims } from './claims.js';
import { driftModeOf } from '../config/schema.js';
import { adoptIntoPullRequest, toAdopt } from './adopt-job.js';
import { modelOf, providerDeps, type WorkerContext } from './context.js';
import { failingKeys, type JobReport } from './job-report.js';

export interface DriftJobDeps {
  marks: Pick<DriftMarks, 'drain'>;
  reverts: Pick<RevertCounter, 'count' | 'record'>;
  /** Keeps the drained marks on the job, so that a retry re-reads them. */
  remember?(marks: Record<string, DriftMark>): Promise<void>;
  /** The report's clock ("3 minutes ago" is relative to it). */
  now?: () => Date;
}

export interface DriftOutcome extends JobReport {
  /** The marked keys the model declares: what was read. */
  checked: string[];
  /** Marked keys the model does not declare: looked for live, and reported as extraneous when in scope. */
  undeclared: string[];
  drifted: number;
  reverted: ChangeResult[];
  /** Kept from reverting by the revert limit. */
  leftAlone: string[];
  issues: DriftIssueOutcome;
  skipped?: 'nothing-marked' | 'no-config' | 'invalid-config' | 'issue-not-mergeable';
}

const noIssues: DriftIssueOutcome = { opened: [], updated: [], unchanged: [], closed: [] };
const nothing = (skipped: DriftOutcome['skipped'], extra: Partial<DriftOutcome> = {}): DriftOutcome => ({ checked: [], undeclared: [], drifted: 0, reverted: [], leftAlone: [], issues: noIssues, skipped, ...extra });

const attributionOf = (mark: DriftMark): Attribution => ({ by: mark.sender, at: mark.at, ...(mark.url ? { url: mark.url } : {}) });
const who = (mark: DriftMark | undefined) => (mark?.sender ? ` (changed by ${mention(mark.sender)})` : '');

const notFound = (error: unknown) => (error as { errors?: Array<{ type?: string }> }).errors?.some((e) => e.type === 'NOT_FOUND') === true;

/** The model's keys for the marked ones: GitHub compares names case-insensitively, and so does this. */
function declaredKeys(model: Model, marks: ReadonlyMap<string, DriftMark>): { declared: Map<string, DriftMark>; undeclared: string[] } {
  const byLower = new Map([...model.byKey.keys()].map((k) => [k.toLowerCase(), k]));
  const declared = new Map<string, DriftMark>();
  const undeclared: string[] = [];
  for (const [key, mark] of marks) {
    const own = byLower.get(key.toLowerCase());
    if (own) declared.set(own, mark);
    else undeclared.push(key);
  }
  return { declared, undeclared };
}

/** The model, with its delta index answering exactly the marked keys: runPlan reads those and nothing else. */
function selecting(model: Model, keys: ReadonlySet<string>): Model {
  return { ...model, affectedBy: () => new Set(keys) };
}

export async function processDriftJob(job: DriftJob, context: WorkerContext, deps: DriftJobDeps): Promise<DriftOutcome> {
  const marks = new Map(Object.entries(job.marks ?? {}));
  for (const [key, mark] of await deps.marks.drain(job)) marks.set(key, mark);
  if (marks.size === 0) return nothing('nothing-marked');
  await deps.remember?.(Object.fromEntries(marks));
  const now = deps.now?.() ?? new Date();

  const ref: RepoRef = { owner: job.owner, repo: job.repo };
  const client = await context.auth(job.installationId);
  // An org without this config repo (the events of every org the app is installed in come here): nothing to check.
  const branchHead = await defaultBranchHead(client, ref).catch((error: unknown) => (notFound(error) ? undefined : Promise.reject(error)));
  if (!branchHead) return nothing('no-config');
  const log = context.log.child({ sha: branchHead.sha });
  const own = modelOf(context, ref, branchHead.tree, await snapshotAt({ client, ref, cache: context.snapshots, log }, branchHead));
  const others = hasErrors(own.diagnostics) ? noOtherClaims() : await loadOtherClaims(context, client, ref);
  const head = withClaims(own, others, context.registry);
  if (hasErrors(head.diagnostics)) {
    log.warn({ errors: head.diagnostics.length }, 'drift check skipped: the configuration at head is invalid');
    return nothing('invalid-config');
  }
  const { declared, undeclared } = declaredKeys(head, marks);
  // Undeclared ones are looked for live: one in scope is extraneous, as the full run reports it.
  const lookFor = undeclared.flatMap((key) => parseResourceKey(key) ?? []);
  if (declared.size === 0 && lookFor.length === 0) {
    log.info({ undeclared }, 'drift check: no marked resource is declared');
    return nothing(undefined, { undeclared });
  }

  const drift = head.config.drift;
  const reverting = (c: Change) => driftModeOf(drift, c.kind) === 'revert';
  const selected = selecting(head, new Set(declared.keys()));
  // Who changed each marked resource, declared or not.
  const markOf = new Map<string, DriftMark>([...declared, ...undeclared.map((key) => [key, marks.get(key)!] as const)]);
  const run = await runPlan({
    registry: context.registry,
    head: selected,
    // The same model as base: every difference found is drift, none is the config's own change.
    base: selected,
    changed: [],
    deps: providerDeps(context, client, job.owner, log),
    // As in a full run: with another config repo unknown, nothing undeclared counts as extraneous.
    footprint: footprintFor(head, context, ref, others, { full: lookFor.length > 0 }),
    applies: reverting,
    // A revert a deny rule forbids is not made, as in the full run.
    blockDenied: true,
    undeclared: lookFor,
  });
  try {
    const limit = context.env.CONVERGE_DRIFT_MAX_REVERTS_PER_HOUR;
    const leftAlone: string[] = [];
    const found: Change[] = [];
    for (const change of run.plan.changes.filter((c) => c.action !== 'noop')) {
      const key = resourceKey(change);
      if (reverting(change) && !change.blocked && (await deps.reverts.count(job, key)) >= limit) {
        leftAlone.push(key);
        found.push({ ...change, blocked: `reverted ${limit} times within the hour: another automation keeps changing it, so it is left alone` });
      } else {
        found.push(change);
      }
    }
    const toRevert = found.filter((c) => reverting(c) && !c.blocked);
    const reverted = toRevert.length > 0 ? await runApply({ ...run, plan: { ...run.plan, changes: toRevert } }, context.registry, context.env.CONVERGE_APPLY_CONCURRENCY) : [];
    const revertedKeys = new Set(reverted.filter((r) => r.status === 'applied').map((r) => resourceKey(r.change)));
    for (const key of revertedKeys) await deps.reverts.record(job, key);
    const remaining = found.filter((c) => !revertedKeys.has(resourceKey(c)));
    if (leftAlone.length > 0) log.warn({ leftAlone, limit }, 'drift check left resources alone: reverted too often within the hour');
    // Kinds in adopt mode: the adopt PR declares what is live; the items stay in the issue until it is merged.
    const adopting = toAdopt(remaining, drift);
    if (adopting.length > 0) {
      const changedBy = new Map([...markOf].map(([key, mark]) => [key, attributionOf(mark)]));
      await adoptIntoPullRequest({ client, ref, context, log, changes: adopting, attribution: changedBy }).catch((error: unknown) => {
        const typed = appGitHubError(error, 'write');
        if (typed.retryable) throw typed;
        log.warn({ err: typed }, 'drift check could not write the adopt PR');
      });
    }

    const webUrl = githubWebUrl(context.processEnv);
    const repoUrl = `${webUrl}/${job.owner}/${job.repo}`;
    const revertLines = [...revertedKeys].map((key) => `- ${formatWhen(now)} — reverted: ${code(key, 200)}${who(markOf.get(key))}`);
    const base: Omit<DriftReportInput, 'changes' | 'readFailures' | 'previous'> = {
      drift,
      run: { sha: branchHead.sha, commitUrl: `${repoUrl}/commit/${branchHead.sha}` },
      defaultOwners: head.config.owners,
      fileUrl: (file, line) => `${repoUrl}/blob/${branchHead.sha}/${file}#L${line}`,
      now,
      byEvent: true,
      events: revertLines,
    };
    const checked = new Set(declared.keys());
    const attribution = new Map([...markOf].map(([key, mark]) => [key, attributionOf(mark)]));
    // Every marked key was looked at: what the issue said of any of them is replaced by what this check found.
    const merge = mergeInto(new Set(markOf.keys()), attribution);
    // The issues this check may close; emptied when the single issue cannot be merged into.
    const only = new Set(drift.issues === 'per-resource' ? markOf.keys() : ['all']);
    let mergeable = true;
    const reports = (open: ReadonlyMap<string, string | undefined>): DriftReport[] => {
      if (drift.issues === 'per-resource') {
        return [
          ...remaining.map((c) => report(base, resourceKey(c), `Drift: ${resourceKey(c)}`, merge(undefined, [c], []))),
          ...run.plan.readFailures.map((f) => report(base, resourceKey(f), `Drift: ${resourceKey(f)}`, merge(undefined, [], [f]))),
        ];
      }
      const previous = open.get('all');
      const kept = previous === undefined ? { changes: [], readFailures: [], attribution: new Map<string, Attribution>() } : parseItems(previous);
      if (!kept) {
        // A body without its items (too many to keep, or written before they were kept): the full run rewrites it.
        mergeable = false;
        only.clear();
        return [];
      }
      const items = merge(kept, remaining, run.plan.readFailures);
      if (items.changes.length === 0 && items.readFailures.length === 0) return [];
      return [report(base, 'all', driftIssueTitle(items.changes, items.readFailures), items)];
    };
    const revertNote = revertLines.length > 0 ? ` Reverted: ${[...revertedKeys].map((k) => `${code(k, 200)}${who(markOf.get(k))}`).join(', ')}.` : '';
    const issues = await syncDriftIssues(client, ref, reports, drift.labels, {
      only,
      resolvedComment: `A drift check after GitHub reported a change found nothing left here.${revertNote} Closing.`,
    });
    if (!mergeable) log.warn('drift issue lists items without their data: left to the next full run');
    // Reverted with no issue to carry it: a closed issue records what was reverted and whose change it was.
    if (revertedKeys.size > 0 && issues.opened.length + issues.updated.length + issues.unchanged.length + issues.closed.length === 0) {
      await recordReverts(client, ref, drift.labels, revertLines);
    }
    log.info({ checked: [...checked], undeclared, drifted: remaining.length, reverted: revertedKeys.size, ...issues }, 'drift check finished');
    return {
      checked: [...checked],
      undeclared,
      drifted: remaining.length + run.plan.readFailures.length,
      reverted,
      leftAlone,
      issues,
      failed: failingKeys(reverted, run.plan.readFailures),
      ...(mergeable ? {} : { skipped: 'issue-not-mergeable' as const }),
    };
  } finally {
    await run.sessions.closeAll();
  }
}

type Items = { changes: Change[]; readFailures: ReadFailure[]; attribution: Map<string, Attribution> };

/** What the issue keeps, with the checked keys replaced by what this check found. */
function mergeInto(checked: ReadonlySet<string>, attribution: ReadonlyMap<string, Attribution>) {
  const lower = new Set([...checked].map((k) => k.toLowerCase()));
  return (kept: Items | undefined, changes: readonly Change[], failures: readonly ReadFailure[]): Items => {
    const isChecked = (key: string) => lower.has(key.toLowerCase());
    const out: Items = {
      changes: [...(kept?.changes ?? []).filter((c) => !isChecked(resourceKey(c))), ...changes],
      readFailures: [...(kept?.readFailures ?? []).filter((f) => !isChecked(resourceKey(f))), ...failures],
      attribution: new Map([...(kept?.attribution ?? [])].filter(([key]) => !isChecked(key))),
    };
    for (const item of [...changes, ...failures]) {
      const by = attribution.get(resourceKey(item));
      if (by) out.attribution.set(resourceKey(item), by);
    }
    return out;
  };
}

function report(base: Omit<DriftReportInput, 'changes' | 'readFailures' | 'previous'>, key: string, title: string, items: Items): DriftReport {
  return {
    key,
    title,
    body: (previous) => renderDriftReport({ ...base, changes: items.changes, readFailures: items.readFailures, attribution: items.attribution, ...(previous === undefined ? {} : { previous }) }),
  };
}

async function recordReverts(client: GitHubClient, ref: RepoRef, labels: string[], lines: readonly string[]): Promise<void> {
  const body = ['Converge reverted drift as soon as GitHub reported it (drift mode `revert`):', '', ...lines, '', 'Nothing is left to do. This issue is a record only.'].join('\n');
  const { data } = await client.rest.issues.create({ ...ref, title: `Drift reverted: ${lines.length === 1 ? '1 resource' : `${lines.length} resources`}`, body, labels });
  await client.rest.issues.update({ ...ref, issue_number: data.number, state: 'closed', state_reason: 'completed' });
}
