import { describe, expect, it } from 'vitest';
import { applyPlan, kindOrderFrom } from '../../../src/core/apply.js';
import { computePlan } from '../../../src/core/plan.js';
import type { Plan } from '../../../src/core/plan-types.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import { resourceKey, type DesiredResource } from '../../../src/core/resource.js';
import { githubProvider } from '../../../src/providers/github/index.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake, seedPeople } from './fake.js';
import { initialModel, r } from './fixtures.js';

const fake = installFakeGitHub({ seed: seedPeople });

const plan = (session: ProviderSession, resources: DesiredResource[]): Promise<Plan> =>
  computePlan({ desired: resources, removed: [], kindOf: (kind) => githubProvider.kinds.find((k) => k.kind === kind), session: () => session });
const apply = (session: ProviderSession, p: Plan) => applyPlan(p, { session: () => session, kindOrder: kindOrderFrom(githubProvider.kinds), backoffMs: 1 });

describe('one resource failing', () => {
  it('a 422 fails only that resource, with GitHub\'s message; everything else is applied', async () => {
    const session = await connectToFake();
    fake.failNext({
      method: 'PUT',
      path: /^\/repos\/acme\/svc-a\/environments\/production$/,
      status: 422,
      body: { message: 'Validation Failed', errors: [{ resource: 'Environment', code: 'custom', field: 'reviewers', message: 'Reviewers must have write access' }] },
    });
    const results = await apply(session, await plan(session, initialModel()));
    const failed = results.filter((x) => x.status === 'failed');
    expect(failed.map((x) => [resourceKey(x.change), x.message])).toEqual([
      ['github.environment/svc-a/production', 'github.environment/svc-a/production: GitHub rejected the change: Validation Failed (Reviewers must have write access)'],
    ]);
    expect(failed[0]!.attempts).toBe(1);
    expect(results.filter((x) => x.status === 'applied')).toHaveLength(initialModel().length - 1);
    // The next plan still wants only what failed.
    expect((await plan(session, initialModel())).changes.filter((c) => c.action !== 'noop').map(resourceKey)).toEqual(['github.environment/svc-a/production']);
  });

  it('a refused GraphQL mutation (GraphQL\'s 422) fails that rule only', async () => {
    fake.addRepo({ name: 'api' });
    const session = await connectToFake();
    // A count GitHub refuses; the other rule in the same plan still goes through.
    const model = [r('branch-protection', 'api/main', { requiredReviews: { approvals: 3 } }), r('branch-protection', 'api/dev', { allowDeletions: true })];
    const p = await plan(session, model);
    p.changes[0]!.fields = [{ path: 'requiredReviews', before: undefined, after: { approvals: 7 } }];
    const results = await apply(session, p);
    expect(results.map((x) => [x.change.name, x.status, x.message])).toEqual([
      ['api/main', 'failed', 'github.branch-protection/api/main: GitHub rejected the change: Required approving review count must be between 0 and 6'],
      ['api/dev', 'applied', undefined],
    ]);
  });

  it('never invites: adding someone who left the org fails the team without an invitation', async () => {
    const session = await connectToFake();
    fake.addTeam({ name: 'web' });
    const p = await plan(session, [r('team', 'web', { members: ['bob'] })]);
    fake.removeMember('bob');
    const [result] = await apply(session, p);
    expect(result).toMatchObject({ status: 'failed', message: 'github.team/web: bob is not a member of acme; Converge never invites people to the org. Invite them on GitHub first.' });
    expect(fake.orgInvitations()).toEqual([]);
    expect(fake.count({ method: 'PUT' })).toBe(0);
  });

  it('a repository whose list fails is named as a failure scope, rather than passing its resources off as absent; the others are read', async () => {
    fake.addRepo({ name: 'a' });
    fake.addRepo({ name: 'b' });
    fake.putEnvironment('a', 'production');
    fake.failNext({ method: 'GET', path: /^\/repos\/acme\/b\/environments$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const session = await connectToFake();
    const result = await session.readAll(['github.environment']);
    expect(result.failures).toEqual([
      { kind: 'github.environment', target: 'default', name: 'b/*', code: 'permission', retryable: false, message: 'github.environment/b/*: the app is not allowed to read this on GitHub: Resource not accessible by integration' },
    ]);
    expect(result.resources.map((r) => r.name)).toEqual(['a/production']);
  });
});
