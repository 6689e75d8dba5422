import { pushTo } from './collections.js';
import { diffSpecs, jsonEqual, omitPaths } from './diff.js';
import { readErrorOf } from './errors.js';
import type { Change, FieldChange, Plan, ReadFailure } from './plan-types.js';
import type { ProviderSession, ReadChoice, ReadProgress, ResourceKind } from './provider.js';
import type { ActualResource, DesiredResource, Lifecycle, ResourceRef } from './resource.js';
import { providerOf, refOf, resourceKey } from './resource.js';
import { footprintMatcher } from './policy.js';
import { classifyChange } from './risk.js';

/** A resource that was declared before (base or last converged commit) and is gone now. */
export interface RemovedResource extends ResourceRef {
  lifecycle: Lifecycle;
  owners: string[];
  source?: Change['source'];
}

export interface PlanRequest {
  /** The resources this plan covers (the delta, or the whole model for full runs). */
  desired: DesiredResource[];
  /** Their specs before this change (PR base), to tell the PR's own changes from drift. */
  baseSpecs?: ReadonlyMap<string, Record<string, unknown>>;
  removed: RemovedResource[];
  /**
   * Full runs: read every live resource of these kinds and report the ones in scope that
   * the model does not declare as extraneous.
   */
  full?: {
    kinds: string[];
    inScope(ref: ResourceRef): boolean;
    /**
     * Kinds named in `scope` (converge.yml), with each target of their provider: read there
     * even where the model declares none of them, so undeclared ones show up as extraneous.
     */
    scoped?: Array<{ kind: string; target: string }>;
  };
  /**
   * Resources the model does not declare, to look for live (an event named them), each in
   * scope (the engine keeps only those): read with the selection, one by one, and reported as
   * extraneous when live and not the footprint, as a full run would. Their read failures are
   * reported too.
   */
  undeclared?: ResourceRef[];
  /**
   * The host's own footprint (glob patterns on resource keys, see `footprintMatcher`): never
   * extraneous, so never reported nor pruned, whatever `inScope` says. A declared footprint
   * resource is still planned like any other; the deletion policy keeps it from being deleted.
   */
  footprint?: readonly string[];
  kindOf(kind: string): ResourceKind | undefined;
  session(provider: string, target: string): ProviderSession;
  /** Full runs: told once per kind and target as its bulk read finishes. */
  onProgress?(progress: ReadProgress): void;
  /** Selections: told per kind and target whether it is read in bulk or one by one. */
  onReadChoice?(choice: ReadChoice): void;
}

interface Live {
  byKey: Map<string, ActualResource>;
  failures: Map<string, ReadFailure>;
  notes: string[];
}

function groupByTarget<T extends ResourceRef>(items: T[]): Map<string, { provider: string; target: string; items: T[] }> {
  const groups = new Map<string, { provider: string; target: string; items: T[] }>();
  for (const item of items) {
    const provider = providerOf(item.kind);
    const id = `${provider}\u0000${item.target}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { provider, target: item.target, items: [] }));
    group.items.push(item);
  }
  return groups;
}

function refsToRead(request: PlanRequest): ResourceRef[] {
  const refs = new Map<string, ResourceRef>();
  const add = (ref: ResourceRef) => refs.set(resourceKey(ref), { kind: ref.kind, target: ref.target, name: ref.name });
  for (const resource of request.desired) {
    add(resource);
    for (const name of resource.previousNames) add({ ...resource, name });
  }
  for (const removed of request.removed) add(removed);
  for (const ref of request.undeclared ?? []) add(ref);
  return [...refs.values()];
}

async function readLive(request: PlanRequest): Promise<Live> {
  const live: Live = { byKey: new Map(), failures: new Map(), notes: [] };
  if (request.full) {
    const scoped = (request.full.scoped ?? []).map(({ kind, target }) => ({ kind, target, name: '', scopedOnly: true }));
    const kinds = new Set([...request.full.kinds, ...scoped.map((s) => s.kind)]);
    const targets = groupByTarget<ResourceRef & { scopedOnly?: boolean }>([...request.desired, ...request.removed, ...scoped]);
    await Promise.all(
      [...targets.values()].map(async ({ provider, target, items }) => {
        const own = [...kinds].filter((k) => providerOf(k) === provider && items.some((i) => i.kind === k));
        const reported = new Set<string>();
        const onProgress = (progress: ReadProgress) => {
          reported.add(progress.kind);
          request.onProgress?.(progress);
        };
        try {
          const result = await request.session(provider, target).readAll(own, request.onProgress ? { onProgress } : {});
          for (const resource of result.resources) live.byKey.set(resourceKey(resource), resource);
          for (const failure of result.failures) live.failures.set(resourceKey(failure), failure);
          live.notes.push(...(result.notes ?? []));
          // Providers that read everything at once report nothing on the way: report their kinds now.
          for (const kind of own.filter((k) => !reported.has(k))) {
            onProgress({ kind, target, resources: result.resources.filter((r) => r.kind === kind).length });
          }
        } catch (error) {
          // The target could not be listed at all: name it, and keep its resources out of the plan.
          const reason = readErrorOf(error);
          for (const kind of own) live.failures.set(resourceKey({ kind, target, name: '*' }), { kind, target, name: '*', ...reason });
          for (const item of items) if (!item.scopedOnly) live.failures.set(resourceKey(item), { ...refOf(item), ...reason });
        }
      }),
    );
    return live;
  }
  await Promise.all(
    [...groupByTarget(refsToRead(request)).values()].map(async ({ provider, target, items }) => {
      const session = request.session(provider, target);
      const byKind = new Map<string, ResourceRef[]>();
      for (const item of items) pushTo(byKind, item.kind, item);
      const bulk: ResourceRef[] = [];
      const single: ResourceRef[] = [];
      for (const [kind, refs] of byKind) {
        const inBulk = session.bulkReadPays?.(kind, refs.length) ?? false;
        request.onReadChoice?.({ kind, target, resources: refs.length, bulk: inBulk });
        (inBulk ? bulk : single).push(...refs);
      }
      await Promise.all([readSelectionInBulk(session, bulk, live, request.kindOf), readOneByOne(session, single, live)]);
    }),
  );
  return live;
}

async function readOneByOne(session: ProviderSession, refs: ResourceRef[], live: Live): Promise<void> {
  if (refs.length === 0) return;
  let results: Awaited<ReturnType<ProviderSession['read']>>;
  try {
    results = await session.read(refs);
  } catch (error) {
    const reason = readErrorOf(error);
    results = refs.map((ref) => ({ ref, error: reason }));
  }
  for (const result of results) {
    const key = resourceKey(result.ref);
    if (result.error !== undefined) live.failures.set(key, { ...result.ref, ...result.error });
    else if (result.actual) live.byKey.set(key, result.actual);
  }
}

/**
 * A large selection read with the full run's bulk readers: only the selected resources are
 * kept (a delta never learns of, nor reports, anything else), and a failure counts where it
 * covers a selected resource: its own, or a scope (`*`, `<parent>/*`) one of them falls in.
 */
async function readSelectionInBulk(session: ProviderSession, refs: ResourceRef[], live: Live, kindOf: PlanRequest['kindOf']): Promise<void> {
  if (refs.length === 0) return;
  const wanted = new Set(refs.map(resourceKey));
  let result: Awaited<ReturnType<ProviderSession['readAll']>>;
  try {
    result = await session.readAll([...new Set(refs.map((r) => r.kind))]);
  } catch (error) {
    const reason = readErrorOf(error);
    for (const ref of refs) live.failures.set(resourceKey(ref), { ...refOf(ref), ...reason });
    return;
  }
  // Names the target compares loosely (GitHub ignores case) but that differ from the live one:
  // a one-by-one read reports these as a conflict, never as absent, and so does this.
  const loose = new Map<string, ActualResource>();
  for (const resource of result.resources) {
    const key = resourceKey(resource);
    if (wanted.has(key)) live.byKey.set(key, resource);
    const nameKey = kindOf(resource.kind)?.nameKey;
    if (nameKey) loose.set(resourceKey({ ...resource, name: nameKey(resource.name) }), resource);
  }
  for (const ref of refs) {
    const nameKey = kindOf(ref.kind)?.nameKey;
    if (!nameKey || live.byKey.has(resourceKey(ref))) continue;
    const other = loose.get(resourceKey({ ...ref, name: nameKey(ref.name) }));
    // A case-only rename names the live spelling too: that one is read, and this is the new name.
    if (other && !wanted.has(resourceKey(other))) {
      const message = `${resourceKey(ref)}: exists as "${other.name}": names must match exactly (${kindOf(ref.kind)?.nameRule ?? 'the target compares them loosely'}); use that spelling, or rename it with previousNames.`;
      live.failures.set(resourceKey(ref), { ...refOf(ref), code: 'conflict', retryable: false, message });
    }
  }
  for (const failure of result.failures) {
    if (isScope(failure)) {
      const prefix = failure.name.slice(0, -1).toLowerCase();
      const covers = refs.filter((r) => r.kind === failure.kind && r.target === failure.target && (failure.name === '*' || r.name.toLowerCase().startsWith(prefix)));
      for (const ref of covers) live.failures.set(resourceKey(ref), { ...refOf(ref), code: failure.code, retryable: failure.retryable, message: failure.message });
    } else if (wanted.has(resourceKey(failure))) {
      live.failures.set(resourceKey(failure), failure);
    }
  }
}

function diffResource(kind: ResourceKind | undefined, resource: DesiredResource, actual: ActualResource | undefined): FieldChange[] {
  const desired = omitPaths(resource.spec, resource.lifecycle.ignoreFields);
  if (!actual) return diffSpecs(desired, undefined);
  const current = omitPaths(actual.spec, resource.lifecycle.ignoreFields);
  return kind?.diff ? kind.diff(desired, current) : diffSpecs(desired, current);
}

/** A field is drift when the PR does not change it: base and head want the same value. */
function markDrift(fields: FieldChange[], base: Record<string, unknown> | undefined): FieldChange[] {
  if (!base) return fields;
  return fields.map((field) => {
    const baseValue = field.path.split('.').reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      base,
    );
    return jsonEqual(baseValue, field.after) ? { ...field, drift: true } : field;
  });
}

/** Fields whose desired value a defaults document sets carry that document's line. */
function attributed(resource: DesiredResource, fields: FieldChange[]): FieldChange[] {
  const locate = resource.locateField;
  if (!locate) return fields;
  return fields.map((field) => {
    const source = locate(field.path);
    return source ? { ...field, source } : field;
  });
}

function change(resource: DesiredResource, action: Change['action'], fields: FieldChange[], origin: Change['origin']): Change {
  return {
    kind: resource.kind,
    target: resource.target,
    name: resource.name,
    action,
    fields: attributed(resource, fields),
    desired: resource.spec,
    origin,
    source: resource.source,
    owners: resource.owners,
  };
}

/** Whether a read failure names a failure scope: `*` (the whole kind) or `<parent>/*`. */
function isScope(failure: ReadFailure): boolean {
  return failure.name === '*' || failure.name.endsWith('/*');
}

/**
 * Failure scopes by kind and target. A provider that could not list part of a target (one
 * repository's rulesets) reports `<parent>/*`: every resource under it is unknown, so none is
 * created, deleted or reported as drift. Prefixes compare case-insensitively: reading too
 * much as failed only holds changes back, never invents them.
 */
function scopeIndex(live: Live): (ref: ResourceRef) => ReadFailure | undefined {
  const scopes = new Map<string, ReadFailure[]>();
  for (const failure of live.failures.values()) {
    if (!isScope(failure)) continue;
    const id = `${failure.kind}\u0000${failure.target}`;
    scopes.set(id, [...(scopes.get(id) ?? []), failure]);
  }
  if (scopes.size === 0) return (ref) => live.failures.get(resourceKey(ref));
  return (ref) => {
    const own = live.failures.get(resourceKey(ref));
    if (own) return own;
    const name = ref.name.toLowerCase();
    for (const scope of scopes.get(`${ref.kind}\u0000${ref.target}`) ?? []) {
      if (scope.name === '*' || name.startsWith(scope.name.slice(0, -1).toLowerCase())) return { ...refOf(ref), code: scope.code, retryable: scope.retryable, message: scope.message };
    }
    return undefined;
  };
}

function planDesired(request: PlanRequest, resource: DesiredResource, live: Live, failures: ReadFailure[], failureOf: (ref: ResourceRef) => ReadFailure | undefined): Change | undefined {
  const key = resourceKey(resource);
  const failure = failureOf(resource) ?? resource.previousNames.map((name) => failureOf({ ...resource, name })).find(Boolean);
  if (failure) {
    failures.push(failure);
    return undefined;
  }
  const kind = request.kindOf(resource.kind);
  let actual = live.byKey.get(key);
  let fromName: string | undefined;
  if (!actual) {
    for (const previous of resource.previousNames) {
      const candidate = live.byKey.get(resourceKey({ ...resource, name: previous }));
      if (candidate) {
        actual = candidate;
        fromName = previous;
        break;
      }
    }
  }
  const baseSpec = request.baseSpecs?.get(key);
  if (!actual) {
    // Declared unchanged at base yet missing live: someone deleted it; merging recreates it.
    const fields = markDrift(diffResource(kind, resource, undefined), baseSpec);
    const origin = fields.length > 0 && fields.every((f) => f.drift) ? 'drift' : 'model';
    return change(resource, 'create', fields, origin);
  }
  const fields = markDrift(diffResource(kind, resource, actual), baseSpec);
  const origin = fields.length > 0 && fields.every((f) => f.drift) && !fromName ? 'drift' : 'model';
  const out = change(resource, fromName !== undefined ? 'rename' : fields.length === 0 ? 'noop' : 'update', fields, origin);
  out.actual = actual.spec;
  if (fromName !== undefined) out.fromName = fromName;
  return out;
}

/**
 * Compare desired state with live state and return the plan: pure data, nothing written.
 * Read failures are reported per resource; one failure never hides the other resources.
 * Diagnostics come from loading and provider validation, which the engine runs before this
 * and adds to the plan, so the plan starts with none.
 */
export async function computePlan(request: PlanRequest): Promise<Plan> {
  const readFailures: ReadFailure[] = [];
  const live = await readLive(request);
  const failureOf = scopeIndex(live);
  const changes: Change[] = [];
  const claimed = new Set<string>();

  for (const resource of request.desired) {
    claimed.add(resourceKey(resource));
    for (const name of resource.previousNames) claimed.add(resourceKey({ ...resource, name }));
    const change = planDesired(request, resource, live, readFailures, failureOf);
    if (change) changes.push(change);
  }

  for (const removed of request.removed) {
    const key = resourceKey(removed);
    if (claimed.has(key)) continue;
    claimed.add(key);
    const failure = failureOf(removed);
    if (failure) {
      readFailures.push(failure);
      continue;
    }
    const actual = live.byKey.get(key);
    if (!actual) continue;
    changes.push({
      kind: removed.kind,
      target: removed.target,
      name: removed.name,
      action: 'delete',
      fields: [],
      actual: actual.spec,
      origin: 'removed',
      owners: removed.owners,
      source: removed.source,
      ...(removed.lifecycle.retain ? { blocked: 'lifecycle.retain is set' } : {}),
    });
  }

  const isFootprint = footprintMatcher(request.footprint);
  const extraneous = (actual: ActualResource): Change => ({
    kind: actual.kind,
    target: actual.target,
    name: actual.name,
    action: 'delete',
    fields: [],
    actual: actual.spec,
    origin: 'extraneous',
    owners: [],
  });
  if (!request.full) {
    for (const ref of request.undeclared ?? []) {
      const key = resourceKey(ref);
      if (claimed.has(key) || isFootprint(ref)) continue;
      claimed.add(key);
      const failure = live.failures.get(key);
      const actual = live.byKey.get(key);
      if (failure) readFailures.push(failure);
      else if (actual) changes.push(extraneous(actual));
    }
  }

  if (request.full) {
    for (const [key, actual] of live.byKey) {
      if (claimed.has(key) || isFootprint(actual) || !request.full.inScope(actual)) continue;
      changes.push(extraneous(actual));
    }
    // Failures of resources the model does not declare still belong in the report.
    const reported = new Set(readFailures.map(resourceKey));
    for (const [key, failure] of live.failures) if (!reported.has(key) && !isFootprint(failure)) readFailures.push(failure);
  }

  for (const planned of changes) planned.risk = classifyChange(request.kindOf(planned.kind), planned);
  return { changes, diagnostics: [], readFailures, ...(live.notes.length > 0 ? { readNotes: live.notes } : {}) };
}
