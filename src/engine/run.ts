import { applyPlan, kindOrderFrom } from '../core/apply.js';
import { hasErrors, type Diagnostic } from '../core/diagnostics.js';
import { computePlan } from '../core/plan.js';
import type { ChangeResult, Plan } from '../core/plan-types.js';
import { applyDeletionPolicy, applyUpdateLimit, holdReadOnly, type PolicyOutcome } from '../core/policy.js';
import { blockDenied, evaluateRules } from '../core/rules.js';
import type { Change } from '../core/plan-types.js';
import type { ReadChoice, ReadProgress } from '../core/provider.js';
import type { Registry } from '../core/registry.js';
import { providerOf, type ResourceRef } from '../core/resource.js';
import { globFilter } from '../config/globs.js';
import type { Model } from '../config/load.js';
import { deletionPolicyOf, updatePolicyOf } from './deletion-policy.js';
import { selectChanged, type Selection } from './select.js';
import { Sessions } from './sessions.js';
import { pushTo } from '../core/collections.js';

export interface PlanRunInput<Deps> {
  registry: Registry<Deps>;
  head: Model;
  /** The model at the comparison commit (PR base, last converged commit); none on a first run. */
  base?: Model;
  changed: readonly string[] | 'all';
  deps: Deps;
  /** Full run: read everything in bulk and report extraneous live resources. */
  full?: boolean;
  /**
   * Full runs and drift checks: a change a `deny` rule of head's converge.yml matches is
   * blocked, naming the rule (reported, never made), before the update limit counts changes.
   * Plans and convergences leave the rules to the job, which reports or refuses instead.
   */
  blockDenied?: boolean;
  /** An admin lifted maxDeletionsPerRun for this run. */
  overrideMaxDeletions?: boolean;
  /** An admin lifted limits.maxUpdatesPerRun for this run. */
  overrideMaxUpdates?: boolean;
  /**
   * The changes this run would write, when not all of them (a full run writes only what it
   * reverts): the update limit counts and holds only those.
   */
  applies?: (change: Change) => boolean;
  /**
   * The host's own footprint (glob patterns on resource keys): never extraneous, never
   * deleted. The host names it (the worker knows its config repo); the engine only matches.
   */
  footprint?: readonly string[];
  /**
   * Resources the model does not declare that an event named: each one of a kind a full run
   * would read is looked for live, and reported as extraneous as a full run would report it.
   */
  undeclared?: readonly ResourceRef[];
  /** Full runs: called as each kind's bulk read finishes (progress for long runs). */
  onProgress?: (progress: ReadProgress) => void;
  /** Selections: called per kind and target with how it is read (in bulk or one by one). */
  onReadChoice?: (choice: ReadChoice) => void;
}

export interface PlanRun {
  plan: Plan;
  policy: PolicyOutcome;
  selection: Selection;
  sessions: Sessions<unknown>;
}

/** Which live names full runs manage, per kind (`scope` in converge.yml); every name of a kind it does not name. */
function scopeMatcher(model: Model): (ref: ResourceRef) => boolean {
  const matchers = new Map(Object.entries(model.config.scope).map(([kind, scope]) => [kind, globFilter(scope.include, scope.exclude)] as const));
  return (ref) => matchers.get(ref.kind)?.(ref.name) ?? true;
}

/**
 * Full runs read every kind named in `scope`, in each target of its provider, even when the
 * model declares none of it: an org that declares no team still hears about stray teams.
 * Kinds no provider knows are left to the repo config's own checks.
 */
function scopedKinds(model: Model, registry: Registry<unknown>): Array<{ kind: string; target: string }> {
  return Object.keys(model.config.scope).flatMap((kind) =>
    registry.kind(kind) ? [...(model.targets.get(providerOf(kind))?.keys() ?? [])].map((target) => ({ kind, target })) : [],
  );
}

/** The refs a full run would report were they live: of a kind it reads (declared somewhere, or named in `scope`), in a target the model has, in scope. */
function fullRunKinds(model: Model, registry: Registry<unknown>, inScope: (ref: ResourceRef) => boolean, refs: readonly ResourceRef[]): ResourceRef[] {
  const read = new Set([...model.resources.map((r) => r.kind), ...Object.keys(model.config.scope)]);
  return refs.filter((ref) => read.has(ref.kind) && registry.kind(ref.kind) !== undefined && model.targets.get(providerOf(ref.kind))?.has(ref.target) === true && inScope(ref));
}

function emptyRun(diagnostics: Diagnostic[], selection: Selection, sessions: Sessions<unknown>): PlanRun {
  return {
    plan: { changes: [], diagnostics, readFailures: [] },
    policy: { changes: [], requestedDeletions: 0, capExceeded: false, maxDeletionsPerRun: 0 },
    selection,
    sessions,
  };
}

/**
 * Build the plan for one job: select the touched resources (or all of them for a full run),
 * connect their targets, run provider validation, read live state, diff, and apply the
 * deletion policy. Invalid configuration stops here with diagnostics and no reads.
 * The caller closes `sessions` when done.
 */
export async function runPlan<Deps>(input: PlanRunInput<Deps>): Promise<PlanRun> {
  const { head, registry } = input;
  const sessions = new Sessions(registry, head.targets, input.deps) as Sessions<unknown>;
  const selection: Selection = input.full
    ? { desired: head.resources, removed: [], baseSpecs: new Map(), everything: true }
    : selectChanged(head, input.base, input.changed);
  if (hasErrors(head.diagnostics)) return emptyRun(head.diagnostics, selection, sessions);

  const scoped = input.full ? scopedKinds(head, registry) : [];
  const inScope = scopeMatcher(head);
  const undeclared = input.full ? [] : fullRunKinds(head, registry, inScope, input.undeclared ?? []);
  const refs = [...selection.desired, ...selection.removed];
  await sessions.connect([...refs, ...scoped, ...undeclared]);

  const diagnostics = [...head.diagnostics];
  const byProvider = new Map<string, typeof selection.desired>();
  for (const resource of selection.desired) {
    const id = `${providerOf(resource.kind)}\u0000${resource.target}`;
    pushTo(byProvider, id, resource);
  }
  for (const [id, resources] of byProvider) {
    const [provider, target] = id.split('\u0000') as [string, string];
    const session = sessions.session(provider, target);
    if (session.validate) diagnostics.push(...(await session.validate(resources)));
  }
  if (hasErrors(diagnostics)) return emptyRun(diagnostics, selection, sessions);

  const kinds = [...new Set(head.resources.map((r) => r.kind))];
  const computed = await computePlan({
    desired: selection.desired,
    removed: selection.removed,
    baseSpecs: selection.baseSpecs,
    ...(input.full ? { full: { kinds, inScope, scoped } } : {}),
    ...(undeclared.length > 0 ? { undeclared } : {}),
    ...(input.footprint ? { footprint: input.footprint } : {}),
    kindOf: (kind) => registry.kind(kind),
    session: (provider, target) => sessions.session(provider, target),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.onReadChoice ? { onReadChoice: input.onReadChoice } : {}),
  });
  // Read-only kinds first, so their differences never count against the limits; deletions the
  // policy blocks, and changes a deny rule blocks, do not count as updates either. Shares are of
  // every resource head declares.
  const declared = head.resources.length;
  const deleting = applyDeletionPolicy(holdReadOnly(computed.changes, (kind) => registry.kind(kind)), deletionPolicyOf(head.config, { ...input, declared }));
  const rules = input.blockDenied ? head.config.policies : [];
  const allowed = rules.length > 0 ? { ...deleting, changes: blockDenied(deleting.changes, evaluateRules(deleting.changes, rules)) } : deleting;
  const policy = applyUpdateLimit(allowed, updatePolicyOf(head.config, { ...input, declared }));
  return { plan: { ...computed, changes: policy.changes, diagnostics }, policy, selection, sessions };
}

/** Apply a plan built by runPlan through the same sessions. */
export async function runApply(run: PlanRun, registry: Registry<any>, concurrency: number): Promise<ChangeResult[]> {
  return applyPlan(run.plan, {
    session: (provider, target) => run.sessions.session(provider, target),
    kindOrder: kindOrderFrom(registry.kinds()),
    concurrency,
  });
}
