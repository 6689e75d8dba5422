/**
 * Adopt: drift becomes a PR on the config repo that declares the live state, instead of a
 * revert. Two ways in: `/converge adopt <key>` on a drift issue (this job: authorized like a
 * full run by comment, then a targeted read of that one resource), and the full run in drift
 * mode `adopt` (which hands over the changes it found). Either way there is one adopt PR per
 * config repo: an open one gets a new commit on its branch, built on the files it already
 * holds, so adoptions accumulate until it is merged. Writes go to the config repo only.
 */
import type { Logger } from 'pino';
import { adoptChanges, type AdoptionResult } from '../adopt/adopt.js';
import { ADOPT_BRANCH, adoptBody, adoptMessage, adoptTitle, mergeEntries, parseEntries, type AdoptEntry } from '../adopt/pull-request.js';
import { hasErrors } from '../core/diagnostics.js';
import { jsonEqual } from '../core/diff.js';
import { footprintMatcher } from '../core/policy.js';
import type { Change } from '../core/plan-types.js';
import { parseResourceKey, resourceKey, type ResourceRef } from '../core/resource.js';
import type { Model } from '../config/load.js';
import { driftModeOf, type RepoConfig } from '../config/schema.js';
import { runPlan } from '../engine/run.js';
import { Sessions } from '../engine/sessions.js';
import { branchTip, commitFiles, openOrUpdatePull, pointBranch, pullsFromBranch } from '../github-app/config-repo-pr.js';
import { commentOn, defaultBranchHead, snapshotAt, statusOf, type GitHubClient, type RepoRef } from '../github-app/index.js';
import { parseItems, type Attribution } from '../github-app/render/drift-items.js';
import type { AdoptJob } from '../queue/jobs.js';
import { modelOf, providerDeps, type WorkerContext } from './context.js';
import { footprintFor, noOtherClaims } from './claims.js';
import { authorizeAdopt } from './full-run-auth.js';
import type { JobReport } from './job-report.js';

export interface AdoptPullOutcome {
  pull?: { number: number; url: string; updated: boolean };
  adopted: AdoptEntry[];
  skipped: AdoptionResult['skipped'];
}

export interface AdoptOutcome extends JobReport, AdoptPullOutcome {
  result: 'opened' | 'updated' | 'nothing' | 'refused' | 'no-config' | 'invalid-config' | 'unknown-resource';
}

export interface AdoptRequest {
  client: GitHubClient;
  ref: RepoRef;
  context: WorkerContext;
  log: Logger;
  /** Drifted and extraneous changes from a plan of the default branch against live. */
  changes: readonly Change[];
  /** The confirmed admin who asked; none for the full run. */
  requestedBy?: string;
  /** The drift issue the changes are reported in. */
  issue?: number;
  /** Who changed a resource live, from the drift issue's items. */
  attribution?: ReadonlyMap<string, Attribution>;
}

function valueAt(spec: Record<string, unknown> | undefined, path: string): unknown {
  let node: unknown = spec;
  for (const part of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/** What the files the PR starts from do not declare yet: an open adopt PR may already hold some of it. */
function stillToAdopt(changes: readonly Change[], model: Model): Change[] {
  return changes.flatMap((change) => {
    const declared = model.byKey.get(resourceKey(change));
    if (change.action === 'delete') return declared ? [] : [change];
    if (change.action !== 'update' || !declared) return [change];
    const fields = change.fields.filter((f) => !jsonEqual(valueAt(declared.spec, f.path), f.before));
    return fields.length > 0 ? [{ ...change, fields }] : [];
  });
}

/** Open the adopt PR, or add a commit to the open one, declaring the changes' resources as they are live. */
/**
 * The drift found of kinds in `adopt` mode that an adopt PR can declare: changed fields, and
 * extraneous resources (a missing one would need its declaration deleted, which is left to a person).
 */
export function toAdopt(changes: readonly Change[], drift: RepoConfig['drift']): Change[] {
  return changes.filter((c) => driftModeOf(drift, c.kind) === 'adopt' && (c.action === 'update' || (c.action === 'delete' && c.origin === 'extraneous')));
}

export async function adoptIntoPullRequest(request: AdoptRequest): Promise<AdoptPullOutcome> {
  const { client, ref, context, log } = request;
  const where = { owner: ref.owner, repo: ref.repo };
  const defaultBranch = (await client.rest.repos.get(where)).data.default_branch;
  const open = (await pullsFromBranch(client, ref, ADOPT_BRANCH)).find((p) => p.state === 'open');
  // An open PR's branch is built on, so the adoptions in it stay; else the default branch.
  const base = (open ? await branchTip(client, ref, ADOPT_BRANCH) : undefined) ?? (await branchTip(client, ref, defaultBranch));
  if (!base) return { adopted: [], skipped: request.changes.map((c) => ({ key: resourceKey(c), why: 'the config repo has no commit' })) };
  const files = await snapshotAt({ client, ref, cache: context.snapshots, log }, base);
  const model = modelOf(context, ref, base.tree, files);
  if (hasErrors(model.diagnostics)) {
    return { adopted: [], skipped: request.changes.map((c) => ({ key: resourceKey(c), why: `the configuration the adopt PR starts from is invalid (${model.diagnostics.find((d) => d.severity === 'error')!.message})` })) };
  }
  const result = adoptChanges({ files, model, registry: context.registry, changes: stillToAdopt(request.changes, model) });
  if (result.files.size === 0) return { adopted: [], skipped: result.skipped };
  const added: AdoptEntry[] = result.adopted.map((entry) => {
    const changedBy = request.attribution?.get(entry.key);
    return { ...entry, ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}), ...(changedBy ? { changedBy } : {}), ...(request.issue !== undefined ? { issue: request.issue } : {}) };
  });
  const sha = await commitFiles(client, ref, base, result.files, adoptMessage(added));
  await pointBranch(client, ref, ADOPT_BRANCH, sha);
  const entries = mergeEntries(parseEntries(open?.body), added);
  const pull = await openOrUpdatePull(client, ref, open, { branch: ADOPT_BRANCH, base: defaultBranch, title: adoptTitle(entries), body: adoptBody(entries, new Date()) });
  log.info({ pull: pull.number, adopted: added.map((e) => e.key), skipped: result.skipped.length }, 'adopt PR written');
  return { pull, adopted: added, skipped: result.skipped };
}

/** The one resource's change, read live through the engine: a plan of its file, or, when undeclared, a read of it alone. */
async function changeOf(context: WorkerContext, client: GitHubClient, owner: string, log: Logger, model: Model, target: ResourceRef): Promise<Change | undefined | { error: string }> {
  const key = resourceKey(target);
  const deps = providerDeps(context, client, owner, log);
  const declared = model.byKey.get(key);
  if (declared) {
    // Base and head are the same model: everything this reads counts as drift, nothing as the PR's.
    const run = await runPlan({ registry: context.registry, head: model, base: model, changed: [declared.source.file], deps });
    try {
      const failure = run.plan.readFailures.find((f) => f.kind === target.kind && f.target === target.target);
      if (failure) return { error: failure.message };
      return run.plan.changes.find((c) => resourceKey(c) === key && c.action !== 'noop');
    } finally {
      await run.sessions.closeAll();
    }
  }
  const sessions = new Sessions(context.registry, model.targets, deps) as Sessions<unknown>;
  try {
    await sessions.connect([target]);
    const provider = target.kind.slice(0, target.kind.indexOf('.'));
    const [read] = await sessions.session(provider, target.target).read([target]);
    if (read?.error) return { error: read.error.message };
    if (!read?.actual) return undefined;
    return { ...target, action: 'delete', origin: 'extraneous', fields: [], actual: read.actual.spec, owners: [] };
  } finally {
    await sessions.closeAll();
  }
}

/** The drift issue's record of who changed what, if the issue keeps one. */
async function attributionIn(client: GitHubClient, ref: RepoRef, issue: number | undefined): Promise<ReadonlyMap<string, Attribution> | undefined> {
  if (issue === undefined) return undefined;
  const { data } = await client.rest.issues.get({ owner: ref.owner, repo: ref.repo, issue_number: issue }).catch((error: unknown) => (statusOf(error) === 404 ? { data: undefined } : Promise.reject(error)));
  return parseItems(data?.body ?? undefined)?.attribution;
}

/** `/converge adopt <key>`: see the module comment. Every end that did not open or update the PR is answered in the issue. */
export async function processAdoptJob(job: AdoptJob, context: WorkerContext): Promise<AdoptOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  const client = await context.auth(job.installationId);
  const log = context.log.child({ key: job.key });
  const authorization = await authorizeAdopt(client, ref, job, context.env.CONVERGE_CONFIG_REPO);
  if (!authorization.allowed) {
    log.warn({ skipped: authorization.skipped, why: authorization.why, commentId: job.commentId }, 'adopt refused');
    return { result: 'refused', adopted: [], skipped: [] };
  }
  const replyIn = authorization.replyIn;
  const answer = async (body: string) => {
    if (replyIn !== undefined) await commentOn(client, ref, replyIn, body);
  };
  const target = parseResourceKey(job.key);
  if (!target || !context.registry.kind(target.kind)) {
    await answer(`Converge did not adopt \`${job.key}\`: it is not a resource key Converge knows (such as \`github.repository/api\`, as the drift issue lists them).`);
    return { result: 'unknown-resource', adopted: [], skipped: [] };
  }
  const head = await defaultBranchHead(client, ref);
  if (!head) return { result: 'no-config', adopted: [], skipped: [] };
  const model = modelOf(context, ref, head.tree, await snapshotAt({ client, ref, cache: context.snapshots, log }, head));
  if (hasErrors(model.diagnostics)) {
    await answer(`Converge did not adopt \`${job.key}\`: the configuration at ${head.sha.slice(0, 7)} is invalid; fix it first (its errors are on the commit's checks).`);
    return { result: 'invalid-config', adopted: [], skipped: [] };
  }
  // Converge's own footprint (the config repo, its labels) is never drift, so never adopted.
  if (!model.byKey.has(job.key) && footprintMatcher(footprintFor(model, context, ref, noOtherClaims()))(target)) {
    await answer(`Converge did not adopt \`${job.key}\`: it is part of Converge's own footprint, which is never drift.`);
    return { result: 'unknown-resource', adopted: [], skipped: [] };
  }
  const change = await changeOf(context, client, job.owner, log, model, target);
  if (!change || 'error' in change) {
    await answer(
      change
        ? `Converge did not adopt \`${job.key}\`: it could not be read live (${change.error}).`
        : `Nothing to adopt for \`${job.key}\`: it matches the configuration${model.byKey.has(job.key) ? '' : ', or does not exist live'}.`,
    );
    return { result: 'nothing', adopted: [], skipped: [] };
  }
  const attribution = await attributionIn(client, ref, replyIn);
  const outcome = await adoptIntoPullRequest({
    client,
    ref,
    context,
    log,
    changes: [change],
    ...(authorization.requester ? { requestedBy: authorization.requester } : {}),
    ...(replyIn !== undefined ? { issue: replyIn } : {}),
    ...(attribution ? { attribution } : {}),
  });
  if (!outcome.pull) {
    const why = outcome.skipped.map((s) => s.why).join('; ') || 'the configuration already declares it as it is live';
    await answer(`Converge did not adopt \`${job.key}\`: ${why}.`);
    return { result: 'nothing', ...outcome };
  }
  await answer(`${outcome.pull.updated ? 'Added to' : 'Opened'} #${outcome.pull.number} to adopt \`${job.key}\`: merging it declares the resource as it is live, and closes its drift item.`);
  return { result: outcome.pull.updated ? 'updated' : 'opened', ...outcome };
}
