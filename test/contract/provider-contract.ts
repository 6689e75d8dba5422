import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, kindOrderFrom } from '../../src/core/apply.js';
import { computePlan } from '../../src/core/plan.js';
import type { FieldChange, Plan } from '../../src/core/plan-types.js';
import type { Provider, ProviderSession } from '../../src/core/provider.js';
import type { DesiredResource } from '../../src/core/resource.js';
import { providerOf, resourceKey } from '../../src/core/resource.js';

/** What a provider's contract test hands the shared suite. */
export interface ContractFixture {
  provider: Provider<any, any>;
  /** A session on a fresh, empty test target (a fake org, a new database). */
  connect(): Promise<ProviderSession>;
  /** Resources of every kind the provider has, not present in the target yet. */
  initial: DesiredResource[];
  /** The same resources with some fields changed (same names). */
  changed: DesiredResource[];
  /** For renamable kinds: `changed` with renames expressed through previousNames. */
  renamed?: DesiredResource[];
  /** Change one resource of `initial` in the live target behind the provider's back (for drift), optional. */
  driftOne?(): Promise<void>;
  /** The update `driftOne` makes the plan propose, when the fixture knows it exactly. */
  drifted?: { key: string; fields: FieldChange[] };
  teardown(): Promise<void>;
}

async function plan(fixture: ContractFixture, session: ProviderSession, resources: DesiredResource[], full = false): Promise<Plan> {
  return computePlan({
    desired: resources,
    removed: [],
    ...(full ? { full: { kinds: fixture.provider.kinds.map((k) => k.kind), inScope: () => false } } : {}),
    kindOf: (kind) => fixture.provider.kinds.find((k) => k.kind === kind),
    session: () => session,
  });
}

async function apply(fixture: ContractFixture, session: ProviderSession, p: Plan) {
  return applyPlan(p, { session: () => session, kindOrder: kindOrderFrom(fixture.provider.kinds), backoffMs: 1 });
}

const pending = (p: Plan) => p.changes.filter((c) => c.action !== 'noop');

function valueAt(spec: Record<string, unknown> | undefined, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), spec);
}

/**
 * The contract every provider passes: plan → apply → plan again is empty, applying twice is
 * harmless, updates and renames converge, and bulk reads agree with targeted reads.
 */
export function providerContract(name: string, makeFixture: () => Promise<ContractFixture>): void {
  describe(`provider contract: ${name}`, () => {
    let fixture: ContractFixture;
    let session: ProviderSession;
    beforeEach(async () => {
      fixture = await makeFixture();
      session = await fixture.connect();
    });
    afterEach(async () => {
      await session?.close();
      await fixture?.teardown();
    });

    it('covers every kind the provider declares', () => {
      const covered = new Set(fixture.initial.map((r) => r.kind));
      expect([...covered].sort()).toEqual(fixture.provider.kinds.map((k) => k.kind).sort());
      for (const r of fixture.initial) expect(providerOf(r.kind)).toBe(fixture.provider.name);
    });

    it('creates everything, then plans nothing', async () => {
      const first = await plan(fixture, session, fixture.initial);
      expect(first.readFailures).toEqual([]);
      expect(pending(first).map((c) => c.action)).toEqual(fixture.initial.map(() => 'create'));
      const results = await apply(fixture, session, first);
      expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
      const second = await plan(fixture, session, fixture.initial);
      expect(second.readFailures).toEqual([]);
      expect(pending(second)).toEqual([]);
    });

    it('applies the same plan twice harmlessly', async () => {
      const first = await plan(fixture, session, fixture.initial);
      await apply(fixture, session, first);
      const again = await apply(fixture, session, first);
      expect(again.filter((r) => r.status === 'failed')).toEqual([]);
      expect(pending(await plan(fixture, session, fixture.initial))).toEqual([]);
    });

    it('converges field updates', async () => {
      await apply(fixture, session, await plan(fixture, session, fixture.initial));
      const update = await plan(fixture, session, fixture.changed);
      expect(update.readFailures).toEqual([]);
      expect(pending(update).length).toBeGreaterThan(0);
      expect(pending(update).every((c) => c.action === 'update')).toBe(true);
      const results = await apply(fixture, session, update);
      expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
      expect(pending(await plan(fixture, session, fixture.changed))).toEqual([]);
    });

    it('reads in bulk what targeted reads see', async () => {
      await apply(fixture, session, await plan(fixture, session, fixture.initial));
      const all = await session.readAll(fixture.provider.kinds.map((k) => k.kind));
      expect(all.failures).toEqual([]);
      const keys = new Set(all.resources.map(resourceKey));
      for (const r of fixture.initial) expect(keys, resourceKey(r)).toContain(resourceKey(r));
      expect(pending(await plan(fixture, session, fixture.initial, true)).filter((c) => c.origin !== 'extraneous')).toEqual([]);
    });

    it('renames instead of deleting and recreating', async (ctx) => {
      if (!fixture.renamed) return ctx.skip();
      await apply(fixture, session, await plan(fixture, session, fixture.initial));
      const renamePlan = await plan(fixture, session, fixture.renamed);
      const renames = pending(renamePlan).filter((c) => c.action === 'rename');
      expect(renames.length).toBeGreaterThan(0);
      expect(pending(renamePlan).some((c) => c.action === 'create' || c.action === 'delete')).toBe(false);
      const results = await apply(fixture, session, renamePlan);
      expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
      expect(pending(await plan(fixture, session, fixture.renamed))).toEqual([]);
    });

    it('reports live drift as an update', async (ctx) => {
      if (!fixture.driftOne) return ctx.skip();
      await apply(fixture, session, await plan(fixture, session, fixture.initial));
      await fixture.driftOne();
      const drift = await plan(fixture, session, fixture.initial);
      expect(drift.readFailures).toEqual([]);
      const [update, ...others] = pending(drift);
      expect(others, 'one drifted resource, one change').toEqual([]);
      expect(update).toMatchObject({ action: 'update', origin: 'model' });
      if (fixture.drifted) expect({ key: resourceKey(update!), fields: update!.fields }).toEqual(fixture.drifted);
      // Each field goes from what is live now back to what the model declares.
      const declared = fixture.initial.find((r) => resourceKey(r) === resourceKey(update!))!;
      const [live] = await session.read([{ kind: declared.kind, target: declared.target, name: declared.name }]);
      expect(update!.fields.length).toBeGreaterThan(0);
      for (const field of update!.fields) {
        expect(field.after, field.path).toEqual(valueAt(declared.spec, field.path));
        expect(field.before, field.path).toEqual(valueAt(live!.actual?.spec, field.path));
        expect(field.before, field.path).not.toEqual(field.after);
      }
    });
  });
}
