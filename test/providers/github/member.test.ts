import { describe, expect, it } from 'vitest';
import { applyPlan, kindOrderFrom } from '../../../src/core/apply.js';
import { computePlan } from '../../../src/core/plan.js';
import type { Plan } from '../../../src/core/plan-types.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import { resourceKey, type DesiredResource } from '../../../src/core/resource.js';
import { githubProvider } from '../../../src/providers/github/index.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake, seedPeople } from './fake.js';
import { r } from './fixtures.js';

const fake = installFakeGitHub({ seed: seedPeople });

const plan = (session: ProviderSession, resources: DesiredResource[], full = false): Promise<Plan> =>
  computePlan({
    desired: resources,
    removed: [],
    ...(full ? { full: { kinds: ['github.member'], inScope: () => true } } : {}),
    kindOf: (kind) => githubProvider.kinds.find((k) => k.kind === kind),
    session: () => session,
  });

const apply = (session: ProviderSession, p: Plan) => applyPlan(p, { session: () => session, kindOrder: kindOrderFrom(githubProvider.kinds), backoffMs: 1 });

describe('github.member: org membership is reported, never changed', () => {
  it('reads declared members with their role from two lists, whatever their number', async () => {
    const session = await connectToFake();
    const p = await plan(session, [r('member', 'alice', { role: 'admin' }), r('member', 'bob', {}), r('member', 'dave', { role: 'admin' })]);
    expect(p.changes.map((c) => [c.action, c.name, c.fields.map((f) => `${f.path}: ${String(f.before)} → ${String(f.after)}`)])).toEqual([
      ['noop', 'alice', []],
      ['noop', 'bob', []],
      ['update', 'dave', ['role: member → admin']],
    ]);
    expect(fake.requests.map((q) => `${q.path}?role=${q.query.role}`)).toEqual(['/orgs/acme/members?role=admin', '/orgs/acme/members?role=member']);
  });

  it('full runs list undeclared members as extraneous; every change fails with what to do, and nobody is invited or removed', async () => {
    const session = await connectToFake();
    const p = await plan(session, [r('member', 'alice', { role: 'admin' }), r('member', 'carol', {})], true);
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${resourceKey(c)} (${c.origin})`)).toEqual([
      'create github.member/carol (model)',
      'delete github.member/bob (extraneous)',
      'delete github.member/dave (extraneous)',
    ]);
    const results = await apply(session, p);
    expect(results.map((x) => [x.status, x.message])).toEqual([
      ['failed', 'github.member/carol: carol is not a member of acme, and Converge never invites people: invite them on GitHub, or remove the declaration.'],
      ['failed', 'github.member/bob: bob is a member of acme that the config does not declare, and Converge never removes people: remove them on GitHub, or declare them as github.member.'],
      ['failed', 'github.member/dave: dave is a member of acme that the config does not declare, and Converge never removes people: remove them on GitHub, or declare them as github.member.'],
    ]);
    expect(fake.count({ method: 'PUT' }) + fake.count({ method: 'DELETE' }) + fake.count({ method: 'POST', kind: 'rest' })).toBe(0);
    expect(fake.members().map((u) => u.login)).toEqual(['alice', 'bob', 'dave']);
  });

  it('warns on the declaring line when a declared member is not in the org', async () => {
    const session = await connectToFake();
    const diagnostics = await session.validate([r('member', 'carol', {})]);
    expect(diagnostics).toMatchObject([{ severity: 'warning', code: 'github.member-missing', location: { file: 'github.member/carol.yml', line: 1 } }]);
  });
});
