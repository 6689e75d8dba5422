import { describe, expect, it } from 'vitest';
import { applyPlan, kindOrderFrom } from '../../../src/core/apply.js';
import { computePlan } from '../../../src/core/plan.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import type { DesiredResource, ResourceRef } from '../../../src/core/resource.js';
import { githubProvider, Label, Repository } from '../../../src/providers/github/index.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { desired } from '../../support/resources.js';
import { connectToFake } from './fake.js';

const fake = installFakeGitHub();

const repo = (name: string, spec: Record<string, unknown>, extra = {}) => desired('github.repository', name, Repository.parse(spec), extra);
const label = (name: string, spec: Record<string, unknown>, extra = {}) => desired('github.label', name, Label.parse(spec), extra);

function plan(session: ProviderSession, resources: DesiredResource[], removed: ResourceRef[] = []) {
  return computePlan({
    desired: resources,
    removed: removed.map((r) => ({ ...r, lifecycle: { retain: false, ignoreFields: [] }, owners: [] })),
    kindOf: (kind) => githubProvider.kinds.find((k) => k.kind === kind),
    session: () => session,
  });
}

const apply = (session: ProviderSession, p: Awaited<ReturnType<typeof plan>>) =>
  applyPlan(p, { session: () => session, kindOrder: kindOrderFrom(githubProvider.kinds), backoffMs: 1 });

describe('against the fake GitHub', () => {
  it('renames a repository and its labels, keeping the label (its id) instead of recreating it', async () => {
    fake.addRepo({ name: 'old', description: 'x', labels: [{ name: 'bug', color: 'd73a4a' }] });
    const bugId = fake.labels('old')[0]!.id;
    const session = await connectToFake();
    const model = [repo('new', { description: 'x' }, { previousNames: ['old'] }), label('new/defect', { color: 'd73a4a' }, { previousNames: ['old/bug'] })];
    const renamePlan = await plan(session, model);
    expect(renamePlan.changes.map((c) => [c.action, c.fromName, c.name])).toEqual([
      ['rename', 'old', 'new'],
      ['rename', 'old/bug', 'new/defect'],
    ]);
    expect((await apply(session, renamePlan)).map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(fake.labels('new').map((l) => [l.id, l.name])).toEqual([[bugId, 'defect']]);

    // The same plan again (a retried job) is harmless, and a new plan is empty.
    expect((await apply(session, renamePlan)).map((r) => r.status)).toEqual(['applied', 'applied']);
    expect((await plan(session, model)).changes.map((c) => c.action)).toEqual(['noop', 'noop']);
    expect(fake.repos().map((r) => r.name)).toEqual(['new']);
  });

  it('deleting a stale name never reaches the renamed repository behind its redirect', async () => {
    const live = fake.addRepo({ name: 'old' });
    const session = await connectToFake();
    // "old" is renamed to "new"; GitHub keeps redirecting "old". Then "old" leaves the model.
    await session.apply({ kind: 'github.repository', target: 'default', name: 'new', fromName: 'old', action: 'rename', fields: [], origin: 'model', owners: [] });
    const p = await plan(session, [], [{ kind: 'github.repository', target: 'default', name: 'old' }]);
    expect(p.changes).toEqual([]);
    await session.apply({ kind: 'github.repository', target: 'default', name: 'old', action: 'delete', fields: [], origin: 'removed', owners: [] });
    expect(fake.count({ method: 'DELETE' })).toBe(0);
    expect(fake.repo('new').id).toBe(live.id);
  });

  it('never reports a delete as done when GitHub answered it with a redirect (a renamed repository without previousNames on its labels)', async () => {
    fake.addRepo({ name: 'old', labels: [{ name: 'bug', color: 'd73a4a' }] });
    const session = await connectToFake();
    // The repository is renamed; its label is declared under the new name without previousNames.
    const p = await plan(session, [repo('new', {}, { previousNames: ['old'] }), label('new/bug', { color: 'd73a4a' })], [{ kind: 'github.label', target: 'default', name: 'old/bug' }]);
    expect(p.changes.map((c) => [c.action, c.name])).toEqual([
      ['rename', 'new'],
      ['create', 'new/bug'],
      ['delete', 'old/bug'],
    ]);
    const results = await apply(session, p);
    const deleted = results.find((r) => r.change.name === 'old/bug')!;
    expect(fake.filter((r) => r.method === 'DELETE').map((r) => [r.path, r.status])).toEqual([['/repos/acme/old/labels/bug', 307]]);
    expect(deleted.status).toBe('failed');
    expect(deleted.message).toMatch(/github\.label\/old\/bug: GitHub redirects this name to another repository/);
    expect(fake.labels('new').map((l) => l.name)).toEqual(['bug']);
  });

  it('treats any other 3xx answer to a write as an error, never as success', async () => {
    fake.addRepo({ name: 'api', labels: [{ name: 'bug', color: 'ededed' }] });
    fake.failNext({ method: 'PATCH', path: /^\/repos\/acme\/api\/labels\/bug$/, status: 302, body: { message: 'Found' }, headers: { location: 'https://example.com/elsewhere' } });
    const session = await connectToFake();
    await expect(
      session.apply({ kind: 'github.label', target: 'default', name: 'api/bug', action: 'update', fields: [{ path: 'color', before: 'ededed', after: 'd73a4a' }], origin: 'model', owners: [] }),
    ).rejects.toMatchObject({ code: 'rejected', message: 'github.label/api/bug: GitHub answered the write with HTTP 302, not a result; nothing is known to have changed.' });
    expect(fake.labels('api')[0]!.color).toBe('ededed');
  });

  it('creates labels in a new repository that already has them, by updating them', async () => {
    fake.addRepo({ name: 'api', labels: [{ name: 'bug', color: 'ededed' }] });
    const session = await connectToFake();
    await session.apply({ kind: 'github.label', target: 'default', name: 'api/bug', action: 'create', fields: [{ path: 'color', before: undefined, after: 'd73a4a' }], origin: 'model', owners: [] });
    expect(fake.labels('api').map((l) => [l.name, l.color])).toEqual([['bug', 'd73a4a']]);
  });

  it('reports a failed read for one repository and plans the others', async () => {
    fake.addRepo({ name: 'a' });
    fake.addRepo({ name: 'b' });
    fake.failNext({ method: 'GET', path: /^\/repos\/acme\/a$/, status: 502 });
    const session = await connectToFake();
    const p = await plan(session, [repo('a', { description: 'x' }), repo('b', { description: 'y' })]);
    expect(p.readFailures.map((f) => f.name)).toEqual(['a']);
    expect(p.changes.map((c) => [c.action, c.name])).toEqual([['update', 'b']]);
  });
});
