import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/config/load.js';
import { computePlan } from '../../../src/core/plan.js';
import type { Change } from '../../../src/core/plan-types.js';
import { Registry } from '../../../src/core/registry.js';
import { renderPlan } from '../../../src/github-app/render/index.js';
import { MemoryTarget, memoryProvider } from '../../support/memory-provider.js';
import { change, error, manyChanges, plan } from './fixtures.js';

const adminGrant = (): Change =>
  change('github.team-repository', 'platform/api', 'update', [{ path: 'permission', before: 'push', after: 'admin' }], {
    risk: { level: 'sensitive', reason: 'Grants team platform admin on api (was push).' },
    owners: ['@acme/platform'],
  });

const fileUrl = (file: string, line: number) => `https://github.com/acme/config/blob/abc/${file}#L${line}`;

describe('risk in the plan check run', () => {
  it('pins an admin grant in a 5,000-change plan first, complete, and does not look like plain success', () => {
    const changes = manyChanges(5_000).filter((c) => c.action !== 'delete');
    changes.splice(4_321, 0, adminGrant());
    const output = renderPlan({ plan: plan(changes), context: { fileUrl } });
    expect(output.conclusion).toBe('neutral');
    expect(output.title).toMatch(/^Needs care: 1 sensitive · /);
    expect(output.summary).toMatch(/^⚠️ \*\*Needs care: 1 sensitive\.\*\*/);
    const care = output.summary.indexOf('## Needs care');
    const grant = output.summary.indexOf('github.team-repository/platform/api');
    expect(care).toBeGreaterThan(0);
    expect(grant).toBeGreaterThan(care);
    // Before the counts and the routine list, with its reason and every field.
    expect(grant).toBeLessThan(output.summary.indexOf('| Kind |'));
    expect(output.summary).toContain('⚠️ **Sensitive:** Grants team platform admin on api (was push).');
    expect(output.summary).toContain("| <code>permission</code> | <code>\"push\"</code> | <code>\"admin\"</code> |");
    expect(output.summary).toContain('Owners: <code>@acme/platform</code>');
  });

  it('keeps risky changes whose reasons differ apart, and groups deletions of one kind with their count', () => {
    const grant = (team: string) =>
      change('github.team-repository', `${team}/api`, 'update', [{ path: 'permission', before: 'push', after: 'admin' }], {
        risk: { level: 'sensitive', reason: `Grants team ${team} admin on api (was push).` },
      });
    const deletions = ['a', 'b', 'c'].map((n) => change('github.label', `api/${n}`, 'delete'));
    const output = renderPlan({ plan: plan([grant('platform'), grant('web'), ...deletions]) });
    expect(output.summary).toContain('Grants team platform admin on api');
    expect(output.summary).toContain('Grants team web admin on api');
    expect(output.summary).toContain('### Delete 3 × <code>github.label</code>');
    expect(output.summary).toContain('🛑 **Destructive:** Deletes 3 resources of kind <code>github.label</code>.');
    // Destructive first.
    expect(output.summary.indexOf('### Delete 3')).toBeLessThan(output.summary.indexOf('Grants team platform'));
    expect(output.title).toMatch(/^Needs care: 3 destructive, 2 sensitive · /);
  });

  it('fails the check for the risk levels converge.yml names in plans.failOn', () => {
    const output = renderPlan({ plan: plan([adminGrant()]), failOn: ['sensitive'] });
    expect(output.conclusion).toBe('failure');
    expect(renderPlan({ plan: plan([adminGrant()]), failOn: ['destructive'] }).conclusion).toBe('neutral');
  });

  it('a routine plan is a plain success, and a blocked deletion alone needs no care', () => {
    const routine = change('github.repository', 'api', 'update', [{ path: 'description', before: 'a', after: 'b' }], { risk: { level: 'routine', reason: 'x' } });
    expect(renderPlan({ plan: plan([routine]) }).conclusion).toBe('success');
    const blocked = change('github.repository', 'old', 'delete', [], { blocked: 'prune is off in converge.yml' });
    const output = renderPlan({ plan: plan([routine, blocked]) });
    expect(output.conclusion).toBe('success');
    expect(output.title).toBe('1 to update, 1 to delete (blocked)');
  });
});

describe('big plans', () => {
  const fanOut = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      change('github.repository', `repo-${i}`, 'update', [
        { path: 'features.wiki', before: true, after: false, source: { file: 'defaults/repos.yml', line: 6, column: 5 } },
      ]),
    );

  it('renders a 4,800-repository defaults change as one grouped row, attributed to the defaults line', () => {
    const output = renderPlan({ plan: plan(fanOut(4_800)), context: { fileUrl, changedFiles: new Set(['defaults/repos.yml']) } });
    expect(output.conclusion).toBe('success');
    expect(output.text.match(/^### /gm)).toHaveLength(1);
    expect(output.text).toContain('### Update 4,800 × <code>github.repository</code>');
    expect(output.text).toContain('Set by defaults in [defaults/repos.yml:6](https://github.com/acme/config/blob/abc/defaults/repos.yml#L6)');
    expect(output.text).toMatch(/\| <code>features.wiki<\/code> \| <code>true<\/code> \| <code>false<\/code> \|/);
    expect(output.text).toMatch(/_and [\d,]+ more_/);
    expect(output.summary).toContain('- **Update** 4,800 × <code>github.repository</code>: <code>features.wiki</code>');
    // One notice, on the defaults line the PR changed; none on the 4,800 files it did not touch.
    expect(output.annotations).toEqual([
      expect.objectContaining({ path: 'defaults/repos.yml', start_line: 6, annotation_level: 'notice', title: 'Changes 4,800 resources' }),
    ]);
    expect(output.annotations[0]!.message).toMatch(/^This defaults line sets features\.wiki on 4,800 resources: github\.repository\/repo-0, /);
  });

  it('marks a changed resource file, but not a resource whose file the PR left alone', () => {
    const own = change('github.repository', 'api', 'update', [{ path: 'description', before: 'a', after: 'b' }], { source: { file: 'repos/api.yml', line: 1, column: 1 } });
    const other = change('github.repository', 'web', 'update', [{ path: 'description', before: 'a', after: 'b' }], { source: { file: 'repos/web.yml', line: 1, column: 1 } });
    const output = renderPlan({ plan: plan([own, other]), context: { changedFiles: new Set(['repos/api.yml']) } });
    expect(output.annotations.map((a) => a.path)).toEqual(['repos/api.yml']);
  });

  it('a failed plan never says "No changes", and its title counts the errors it marks', () => {
    const unlocated = { severity: 'error' as const, code: 'settings.bad', message: 'converge.yml: bad' };
    const output = renderPlan({ plan: plan([], { diagnostics: [error(3), error(7), unlocated] }) });
    expect(output.conclusion).toBe('failure');
    expect(output.title).toBe('Invalid configuration: 3 errors (2 marked on lines)');
    expect(output.annotations.filter((a) => a.annotation_level === 'failure')).toHaveLength(2);
    expect(`${output.title}\n${output.summary}\n${output.text}`).not.toMatch(/No changes/);
  });
});

describe('fan-out attribution from the loader to the plan', () => {
  it('a field set by a defaults document carries that document line through the plan', async () => {
    const target = new MemoryTarget();
    const registry = new Registry([memoryProvider(target)]);
    const model = loadModel(
      new Map(
        Object.entries({
          'converge.yml': 'providers:\n  mem: {}\n',
          'defaults.yml': 'kind: defaults\nname: all\nselector: { kind: mem.widget }\nspec:\n  size: 2\n  color: blue\n',
          'a.yml': 'kind: mem.widget\nname: a\nspec: { color: red }\n',
        }),
      ),
      registry,
    );
    expect(model.diagnostics).toEqual([]);
    target.state.set('mem.widget/a', { kind: 'mem.widget', target: 'default', name: 'a', spec: { size: 1, color: 'green' } });
    const session = target.session();
    const planned = await computePlan({ desired: model.resources, removed: [], kindOf: (k) => registry.kind(k), session: () => session });
    const fields = planned.changes[0]!.fields;
    expect(fields.find((f) => f.path === 'size')!.source).toMatchObject({ file: 'defaults.yml', line: 5 });
    // The resource's own value is its own: no defaults attribution.
    expect(fields.find((f) => f.path === 'color')!.source).toBeUndefined();
    expect(planned.changes[0]!.risk).toEqual({ level: 'routine', reason: expect.any(String) });
  });
});
