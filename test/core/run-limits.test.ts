import { describe, expect, it } from 'vitest';
import { RepoConfig } from '../../src/config/schema.js';
import type { Action, Change } from '../../src/core/plan-types.js';
import { applyDeletionPolicy, applyUpdateLimit, resolveLimit, type PolicyOutcome, type UpdatePolicy } from '../../src/core/policy.js';
import { deletionPolicyOf, updatePolicyOf } from '../../src/engine/deletion-policy.js';

const change = (action: Action, name: string, extra: Partial<Change> = {}): Change => ({
  kind: 'mem.widget',
  target: 'default',
  name,
  action,
  fields: [],
  origin: action === 'delete' ? 'removed' : 'model',
  owners: [],
  ...extra,
});
const many = (action: Action, n: number, prefix: string = action) => Array.from({ length: n }, (_, i) => change(action, `${prefix}-${i}`));
const outcomeOf = (changes: Change[]): PolicyOutcome => ({ changes, requestedDeletions: 0, capExceeded: false, maxDeletionsPerRun: 5 });
const limit = (changes: Change[], policy: UpdatePolicy) => applyUpdateLimit(outcomeOf(changes), policy);

describe('a limit per run as a share of the declared resources', () => {
  it.each([
    ['a number stays as written', 7, 200, 7],
    ['25% of 200', '25%', 200, 50],
    ['rounds down: 25% of 10 is 2', '25%', 10, 2],
    ['18.4% of 375 is 69, not 68 by floating point', '18.4%', 375, 69],
    ['a decimal share: 12.5% of 40', '12.5%', 40, 5],
    ['never rounds a share above 0% of a non-empty model to 0: 10% of 3', '10%', 3, 1],
    ['0% is 0', '0%', 200, 0],
    ['any share of an empty model is 0', '25%', 0, 0],
    ['100% is every declared resource', '100%', 7, 7],
  ] as const)('%s', (_, setting, declared, max) => {
    expect(resolveLimit(setting, declared).max).toBe(max);
  });

  it('reads in reasons with the share and what it is of', () => {
    const policy = deletionPolicyOf(RepoConfig.parse({ prune: { enabled: true, maxDeletionsPerRun: '10%' } }), { declared: 20 });
    expect(policy).toMatchObject({ maxDeletionsPerRun: 2, maxDeletionsFrom: { share: '10%', declared: 20 } });
    const out = applyDeletionPolicy(many('delete', 3), policy);
    expect(out.capExceeded).toBe(true);
    expect(out.changes[0]!.blocked).toBe('this run would delete 3 resources, more than maxDeletionsPerRun (2: 10% of 20 declared resources); nothing is deleted until an admin overrides');
  });
});

describe('maxUpdatesPerRun', () => {
  it('is off unless converge.yml sets it, and resolves a share against the declared resources', () => {
    expect(updatePolicyOf(RepoConfig.parse({}))).toEqual({ overrideMaxUpdates: false });
    expect(updatePolicyOf(RepoConfig.parse({ limits: { maxUpdatesPerRun: '25%' } }), { declared: 40, overrideMaxUpdates: true })).toEqual({
      maxUpdatesPerRun: 10,
      maxUpdatesFrom: { share: '25%', declared: 40 },
      overrideMaxUpdates: true,
    });
    const out = limit(many('update', 50), {});
    expect(out.updateLimitExceeded).toBe(false);
    expect(out.changes.every((c) => !c.blocked)).toBe(true);
  });

  it('counts updates and renames, not creates, no-ops, deletions, nor what is already held', () => {
    const changes = [
      ...many('update', 2),
      change('rename', 'new', { fromName: 'old' }),
      ...many('create', 5),
      ...many('noop', 5),
      ...many('delete', 1),
      change('update', 'read-only', { blocked: 'widgets are managed elsewhere' }),
    ];
    const out = limit(changes, { maxUpdatesPerRun: 3 });
    expect(out).toMatchObject({ requestedUpdates: 3, updateLimitExceeded: false, updateLimit: '3' });
    expect(out.changes.filter((c) => c.blocked).map((c) => c.name)).toEqual(['read-only']);
  });

  it('holds every change of a run past the limit, creates and deletions included, with the numbers', () => {
    const changes = [...many('update', 4), ...many('create', 2), ...many('delete', 1), ...many('noop', 1), change('update', 'read-only', { blocked: 'managed elsewhere' })];
    const out = limit(changes, { maxUpdatesPerRun: 3 });
    expect(out).toMatchObject({ requestedUpdates: 4, updateLimitExceeded: true, updateLimit: '3' });
    const reason = 'this run would update 4 resources, more than maxUpdatesPerRun (3); nothing is applied until an admin overrides';
    expect(out.changes.map((c) => [c.action, c.blocked])).toEqual([
      ...Array.from({ length: 4 }, () => ['update', reason]),
      ['create', reason],
      ['create', reason],
      ['delete', reason],
      ['noop', undefined],
      ['update', 'managed elsewhere'],
    ]);
  });

  it('holds nothing at exactly the limit, and a share says what it is of', () => {
    expect(limit(many('update', 3), { maxUpdatesPerRun: 3 }).updateLimitExceeded).toBe(false);
    const policy = updatePolicyOf(RepoConfig.parse({ limits: { maxUpdatesPerRun: '10%' } }), { declared: 20 });
    const out = limit(many('update', 3), policy);
    expect(out.updateLimitExceeded).toBe(true);
    expect(out.changes[0]!.blocked).toContain('more than maxUpdatesPerRun (2: 10% of 20 declared resources)');
  });

  it('is lifted for one run by an admin, and still counts', () => {
    const out = limit(many('update', 10), { maxUpdatesPerRun: 3, overrideMaxUpdates: true });
    expect(out).toMatchObject({ requestedUpdates: 10, updateLimitExceeded: false });
    expect(out.changes.every((c) => !c.blocked)).toBe(true);
  });

  it('counts and holds only the changes the run would write (a full run writes what it reverts)', () => {
    const labels = many('update', 3, 'label').map((c) => ({ ...c, kind: 'mem.label' }));
    const widgets = many('update', 2, 'widget');
    const applies = (c: Change) => c.kind === 'mem.widget';
    expect(limit([...labels, ...widgets], { maxUpdatesPerRun: 2, applies }).updateLimitExceeded).toBe(false);
    const out = limit([...labels, ...widgets, change('update', 'widget-x')], { maxUpdatesPerRun: 2, applies });
    expect(out.requestedUpdates).toBe(3);
    expect(out.changes.filter((c) => c.blocked).map((c) => c.name)).toEqual(['widget-0', 'widget-1', 'widget-x']);
  });

  it('leaves a deletion the deletion cap blocked with its own reason', () => {
    const deletions = applyDeletionPolicy(many('delete', 3), { prune: true, protected: [], maxDeletionsPerRun: 1 });
    const out = applyUpdateLimit({ ...deletions, changes: [...deletions.changes, ...many('update', 2)] }, { maxUpdatesPerRun: 1 });
    expect(out).toMatchObject({ capExceeded: true, updateLimitExceeded: true });
    expect(out.changes.filter((c) => c.action === 'delete').every((c) => c.blocked?.includes('maxDeletionsPerRun (1)'))).toBe(true);
    expect(out.changes.filter((c) => c.action === 'update').every((c) => c.blocked?.includes('maxUpdatesPerRun (1)'))).toBe(true);
  });
});
