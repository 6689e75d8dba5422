import { describe, expect, it } from 'vitest';
import { applyPlan, kindOrderFrom } from '../../src/core/apply.js';
import { ConnectionError } from '../../src/core/errors.js';
import { computePlan, type PlanRequest } from '../../src/core/plan.js';
import { RepoConfig } from '../../src/config/schema.js';
import { applyDeletionPolicy, holdReadOnly } from '../../src/core/policy.js';
import { deletionPolicyOf } from '../../src/engine/deletion-policy.js';
import { Registry } from '../../src/core/registry.js';
import { MemoryTarget, memoryProvider, RejectedError, RetryableError } from '../support/memory-provider.js';
import { desired } from '../support/resources.js';

function setup() {
  const target = new MemoryTarget();
  const provider = memoryProvider(target);
  const registry = new Registry([provider]);
  const session = target.session();
  const request = (over: Partial<PlanRequest>): PlanRequest => ({
    desired: [],
    removed: [],
    kindOf: (k) => registry.kind(k),
    session: () => session,
    ...over,
  });
  const apply = (plan: Awaited<ReturnType<typeof computePlan>>) =>
    applyPlan(plan, { session: () => session, kindOrder: kindOrderFrom(registry.kinds()), backoffMs: 1, sleep: async () => {} });
  return { target, request, apply };
}

/** What converge.yml gets when it says nothing about prune. */
const DEFAULT_DELETION_POLICY = deletionPolicyOf(RepoConfig.parse({}));

const live = (target: MemoryTarget, name: string, spec: Record<string, unknown>, kind = 'mem.widget') =>
  target.state.set(`${kind}/${name}`, { kind, target: 'default', name, spec });

describe('computing a plan', () => {
  it('creates what is missing, updates only fields the user set, and leaves equal resources alone', async () => {
    const { target, request } = setup();
    live(target, 'b', { size: 1, color: 'red', extra: 'set by GitHub' });
    live(target, 'c', { size: 5 });
    const plan = await computePlan(
      request({ desired: [desired('mem.widget', 'a', { size: 1 }), desired('mem.widget', 'b', { size: 2, color: 'red' }), desired('mem.widget', 'c', { size: 5 })] }),
    );
    expect(plan.changes.map((c) => [c.name, c.action, c.fields])).toEqual([
      ['a', 'create', [{ path: 'size', before: undefined, after: 1 }]],
      ['b', 'update', [{ path: 'size', before: 1, after: 2 }]],
      ['c', 'noop', []],
    ]);
  });

  it('diffs nested objects field by field and honours ignoreFields', async () => {
    const { target, request } = setup();
    live(target, 'a', { nested: { a: 'x', b: true }, color: 'red' });
    const plan = await computePlan(
      request({ desired: [desired('mem.widget', 'a', { nested: { a: 'y' }, color: 'blue' }, { lifecycle: { retain: false, ignoreFields: ['color'] } })] }),
    );
    expect(plan.changes[0]!.fields).toEqual([{ path: 'nested.a', before: 'x', after: 'y' }]);
  });

  it('turns a live previous name into one rename', async () => {
    const { target, request, apply } = setup();
    live(target, 'old', { size: 1 });
    const plan = await computePlan(request({ desired: [desired('mem.widget', 'new', { size: 1 }, { previousNames: ['old'] })] }));
    expect(plan.changes.map((c) => [c.action, c.fromName, c.name])).toEqual([['rename', 'old', 'new']]);
    await apply(plan);
    expect(target.applied).toEqual(['rename mem.widget/new']);
    expect([...target.state.keys()]).toEqual(['mem.widget/new']);
  });

  it('marks fields the PR does not change as drift', async () => {
    const { target, request } = setup();
    live(target, 'a', { size: 9, color: 'red' });
    const plan = await computePlan(
      request({ desired: [desired('mem.widget', 'a', { size: 1, color: 'blue' })], baseSpecs: new Map([['mem.widget/a', { size: 1, color: 'red' }]]) }),
    );
    expect(plan.changes[0]!.fields).toEqual([
      { path: 'size', before: 9, after: 1, drift: true },
      { path: 'color', before: 'red', after: 'blue' },
    ]);
    expect(plan.changes[0]!.origin).toBe('model');
  });

  it('calls a resource deleted live behind an unchanged spec drift', async () => {
    const { request } = setup();
    const plan = await computePlan(request({ desired: [desired('mem.widget', 'a', { size: 1 })], baseSpecs: new Map([['mem.widget/a', { size: 1 }]]) }));
    expect(plan.changes.map((c) => [c.action, c.origin])).toEqual([['create', 'drift']]);
  });

  it('deletes removed resources that still exist, and blocks retained ones', async () => {
    const { target, request } = setup();
    live(target, 'gone', { size: 1 });
    live(target, 'kept', { size: 1 });
    const lifecycle = { retain: false, ignoreFields: [] };
    const plan = await computePlan(
      request({
        removed: [
          { kind: 'mem.widget', target: 'default', name: 'gone', lifecycle, owners: [] },
          { kind: 'mem.widget', target: 'default', name: 'kept', lifecycle: { ...lifecycle, retain: true }, owners: [] },
          { kind: 'mem.widget', target: 'default', name: 'never-existed', lifecycle, owners: [] },
        ],
      }),
    );
    expect(plan.changes.map((c) => [c.name, c.action, c.blocked])).toEqual([
      ['gone', 'delete', undefined],
      ['kept', 'delete', 'lifecycle.retain is set'],
    ]);
  });

  it('finds extraneous live resources in scope on full runs', async () => {
    const { target, request } = setup();
    live(target, 'declared', { size: 1 });
    live(target, 'stray', { size: 1 });
    live(target, 'out-of-scope', { size: 1 });
    const plan = await computePlan(
      request({ desired: [desired('mem.widget', 'declared', { size: 1 })], full: { kinds: ['mem.widget'], inScope: (r) => r.name !== 'out-of-scope' } }),
    );
    expect(plan.changes.map((c) => [c.name, c.action, c.origin])).toEqual([
      ['declared', 'noop', 'model'],
      ['stray', 'delete', 'extraneous'],
    ]);
    expect(target.calls).toMatchObject({ readAll: 1, read: 0 });
  });

  it('reports a resource that cannot be read and plans the others', async () => {
    const { target, request } = setup();
    const session = target.session();
    const plan = await computePlan(
      request({
        desired: [desired('mem.widget', 'a', { size: 1 }), desired('mem.widget', 'b', { size: 1 })],
        session: () => ({ ...session, read: async (refs) => refs.map((ref) => (ref.name === 'a' ? { ref, error: { code: 'retryable' as const, retryable: true, message: 'HTTP 500' } } : { ref })) }),
      }),
    );
    expect(plan.readFailures).toEqual([{ kind: 'mem.widget', target: 'default', name: 'a', code: 'retryable', retryable: true, message: 'HTTP 500' }]);
    expect(plan.changes.map((c) => c.name)).toEqual(['b']);
  });
});

describe('a target that cannot be read at all', () => {
  it('is named in the plan and never turns into creates', async () => {
    const { request } = setup();
    const plan = await computePlan(
      request({
        desired: [desired('mem.widget', 'a', { size: 1 })],
        full: { kinds: ['mem.widget'], inScope: () => true },
        session: () => ({ ...new MemoryTarget().session(), readAll: async () => Promise.reject(new ConnectionError('connection refused')) }),
      }),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.readFailures.map((f) => [f.name, f.message])).toEqual([
      ['a', 'connection refused'],
      ['*', 'connection refused'],
    ]);
    expect(plan.readFailures.map((f) => [f.code, f.retryable])).toEqual([
      ['connection', true],
      ['connection', true],
    ]);
  });

  it('never shows the message of an error that is not a Converge error', async () => {
    const { request } = setup();
    const leak = new Error('connect to postgres://admin:hunter2@db.internal:5432 failed');
    const plan = await computePlan(
      request({
        desired: [desired('mem.widget', 'a', { size: 1 })],
        session: () => ({ ...new MemoryTarget().session(), read: async () => Promise.reject(leak) }),
      }),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.readFailures).toEqual([
      { kind: 'mem.widget', target: 'default', name: 'a', code: 'internal', retryable: false, message: 'an unexpected error (Error) stopped this; its message is withheld because it may hold secrets' },
    ]);
  });
});

describe('deletion policy', () => {
  const del = (name: string) => ({ kind: 'mem.widget', target: 'default', name, action: 'delete' as const, fields: [], origin: 'removed' as const, owners: [] });

  it('blocks every deletion while prune is off', () => {
    const out = applyDeletionPolicy([del('a')], DEFAULT_DELETION_POLICY);
    expect(out.changes[0]!.blocked).toContain('prune is off');
  });

  it('blocks protected names even with prune on', () => {
    const out = applyDeletionPolicy([del('prod-db'), del('tmp')], { ...DEFAULT_DELETION_POLICY, prune: true, protected: ['prod-*'] });
    expect(out.changes.map((c) => c.blocked === undefined)).toEqual([false, true]);
  });

  it('deletes nothing when a run would exceed maxDeletionsPerRun, unless overridden', () => {
    const many = Array.from({ length: 30 }, (_, i) => del(`r${i}`));
    const capped = applyDeletionPolicy(many, { prune: true, protected: [], maxDeletionsPerRun: 10 });
    expect(capped.capExceeded).toBe(true);
    expect(capped.changes.every((c) => c.blocked?.includes('more than maxDeletionsPerRun (10)'))).toBe(true);
    const overridden = applyDeletionPolicy(many, { prune: true, protected: [], maxDeletionsPerRun: 10, overrideMaxDeletions: true });
    expect(overridden.changes.every((c) => !c.blocked)).toBe(true);
  });
});

describe('read-only kinds', () => {
  it('are held with the kind’s reason and never count against the deletion cap', () => {
    const kinds = { 'mem.widget': { readOnly: 'widgets are managed elsewhere' } } as Record<string, { readOnly?: string }>;
    const changes = [
      { kind: 'mem.widget', target: 'default', name: 'a', action: 'delete' as const, fields: [], origin: 'extraneous' as const, owners: [] },
      { kind: 'mem.widget', target: 'default', name: 'b', action: 'update' as const, fields: [], origin: 'drift' as const, owners: [] },
      { kind: 'mem.gadget', target: 'default', name: 'c', action: 'delete' as const, fields: [], origin: 'removed' as const, owners: [] },
    ];
    const held = holdReadOnly(changes, (kind) => kinds[kind] as never);
    expect(held.map((c) => c.blocked)).toEqual(['widgets are managed elsewhere', 'widgets are managed elsewhere', undefined]);
    const outcome = applyDeletionPolicy(held, { prune: true, protected: [], maxDeletionsPerRun: 1 });
    expect(outcome.capExceeded).toBe(false);
    expect(outcome.changes[2]!.blocked).toBeUndefined();
  });
});

describe('applying a plan', () => {
  it('reports one result per change; a rejected change never stops the others', async () => {
    const { target, request, apply } = setup();
    target.failures.set('mem.widget/b', [new RejectedError('Validation Failed: size is too big')]);
    const plan = await computePlan(request({ desired: ['a', 'b', 'c'].map((n) => desired('mem.widget', n, { size: 1 })) }));
    const results = await apply(plan);
    expect(results.map((r) => [r.change.name, r.status, r.message])).toEqual(
      expect.arrayContaining([
        ['a', 'applied', undefined],
        ['b', 'failed', 'Validation Failed: size is too big'],
        ['c', 'applied', undefined],
      ]),
    );
  });

  it('retries retryable errors and then applies', async () => {
    const { target, request, apply } = setup();
    target.failures.set('mem.widget/a', [new RetryableError('HTTP 502'), new RetryableError('HTTP 502')]);
    const results = await apply(await computePlan(request({ desired: [desired('mem.widget', 'a', { size: 1 })] })));
    expect(results[0]).toMatchObject({ status: 'applied', attempts: 3 });
  });

  it('skips blocked changes with their reason and never applies no-ops', async () => {
    const { target, request, apply } = setup();
    live(target, 'same', { size: 1 });
    live(target, 'stray', { size: 1 });
    const plan = await computePlan(
      request({
        desired: [desired('mem.widget', 'same', { size: 1 })],
        removed: [{ kind: 'mem.widget', target: 'default', name: 'stray', lifecycle: { retain: false, ignoreFields: [] }, owners: [] }],
      }),
    );
    const results = await apply({ ...plan, changes: applyDeletionPolicy(plan.changes, DEFAULT_DELETION_POLICY).changes });
    expect(results.map((r) => [r.change.name, r.status])).toEqual([['stray', 'skipped']]);
    expect(target.calls.apply).toBe(0);
  });

  it('creates in kind order and deletes in reverse kind order', async () => {
    const { target, request, apply } = setup();
    live(target, 'old-gadget', {}, 'mem.gadget');
    live(target, 'old-widget', {}, 'mem.widget');
    const lifecycle = { retain: false, ignoreFields: [] };
    const plan = await computePlan(
      request({
        desired: [desired('mem.gadget', 'g', { size: 1 }), desired('mem.widget', 'w', { size: 1 })],
        removed: [
          { kind: 'mem.widget', target: 'default', name: 'old-widget', lifecycle, owners: [] },
          { kind: 'mem.gadget', target: 'default', name: 'old-gadget', lifecycle, owners: [] },
        ],
      }),
    );
    await apply(plan);
    expect(target.applied).toEqual(['create mem.widget/w', 'create mem.gadget/g', 'delete mem.gadget/old-gadget', 'delete mem.widget/old-widget']);
  });
});

describe("the host's own footprint", () => {
  it('is never extraneous, whatever the scope says', async () => {
    const { target, request } = setup();
    live(target, 'config', { size: 1 });
    live(target, 'config/child', { size: 1 });
    live(target, 'stray', { size: 1 });
    const plan = await computePlan(
      request({ desired: [desired('mem.widget', 'a', { size: 1 })], full: { kinds: ['mem.widget'], inScope: () => true }, footprint: ['mem.widget/CONFIG', 'mem.widget/config/**'] }),
    );
    expect(plan.changes.map((c) => [c.name, c.action, c.origin])).toEqual([
      ['a', 'create', 'model'],
      ['stray', 'delete', 'extraneous'],
    ]);
  });

  it('is never deleted, even with prune on, and does not count against the cap', () => {
    const del = (name: string) => ({ kind: 'mem.widget', target: 'default', name, action: 'delete' as const, fields: [], origin: 'removed' as const, owners: [] });
    const out = applyDeletionPolicy([del('config'), del('tmp')], { prune: true, protected: [], maxDeletionsPerRun: 1, overrideMaxDeletions: true, footprint: ['mem.widget/config'] });
    expect(out.changes.map((c) => c.blocked)).toEqual([expect.stringContaining("Converge's own footprint"), undefined]);
    expect(applyDeletionPolicy([del('config'), del('tmp')], { prune: true, protected: [], maxDeletionsPerRun: 1, footprint: ['mem.widget/config'] }).capExceeded).toBe(false);
  });
});
