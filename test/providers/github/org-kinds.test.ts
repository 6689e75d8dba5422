import { describe, expect, it } from 'vitest';
import { applyPlan, kindOrderFrom } from '../../../src/core/apply.js';
import { computePlan } from '../../../src/core/plan.js';
import type { Plan } from '../../../src/core/plan-types.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import { resourceKey, type DesiredResource } from '../../../src/core/resource.js';
import { githubProvider } from '../../../src/providers/github/index.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake, seedPeople } from './fake.js';
import { changedModel, initialModel, r, renamedModel } from './fixtures.js';

const fake = installFakeGitHub({ seed: seedPeople });

function plan(session: ProviderSession, resources: DesiredResource[], full = false): Promise<Plan> {
  return computePlan({
    desired: resources,
    removed: [],
    ...(full ? { full: { kinds: githubProvider.kinds.map((k) => k.kind), inScope: () => true } } : {}),
    kindOf: (kind) => githubProvider.kinds.find((k) => k.kind === kind),
    session: () => session,
  });
}

const apply = (session: ProviderSession, p: Plan) => applyPlan(p, { session: () => session, kindOrder: kindOrderFrom(githubProvider.kinds), backoffMs: 1 });
const pending = (p: Plan) => p.changes.filter((c) => c.action !== 'noop');
const summary = (p: Plan) => pending(p).map((c) => `${c.action} ${resourceKey(c)}${c.fromName ? ` from ${c.fromName}` : ''}`);

/** Plan, apply, and check the next plan is empty with nothing left unread. */
async function converge(session: ProviderSession, model: DesiredResource[]): Promise<Plan> {
  const first = await plan(session, model);
  expect(first.readFailures).toEqual([]);
  const results = await apply(session, first);
  expect(results.filter((x) => x.status !== 'applied').map((x) => x.message)).toEqual([]);
  const again = await plan(session, model);
  expect(again.readFailures).toEqual([]);
  expect(summary(again)).toEqual([]);
  expect(again.changes).toHaveLength(model.length);
  return first;
}

describe('every kind against the fake GitHub', () => {
  it('creates the whole model and GitHub ends up holding exactly it', async () => {
    const session = await connectToFake();
    const first = await converge(session, initialModel());
    expect(first.changes.every((c) => c.action === 'create')).toBe(true);

    const platform = fake.team('platform');
    expect([...platform.members]).toEqual([
      ['bob', 'member'],
      ['alice', 'maintainer'],
    ]);
    expect(platform).toMatchObject({ description: 'Platform', privacy: 'closed', notification_setting: 'notifications_enabled' });
    expect(fake.team('platform-sre')).toMatchObject({ name: 'Platform SRE', parentId: platform.id });
    expect(fake.team('platform').repos.get(fake.repo('svc-a').id)).toBe('maintain');
    // carol is not in the org: she was invited to the repository, never to the org.
    expect(fake.invitations('svc-a').map((i) => [i.login, i.permission])).toEqual([['carol', 'triage']]);
    expect(fake.orgInvitations()).toEqual([]);

    const rule = (pattern: string) => fake.protections('svc-a').find((x) => x.pattern === pattern);
    const [main, release] = [rule('main'), rule('release/*')];
    expect(main).toMatchObject({
      pattern: 'main',
      requiresApprovingReviews: true,
      requiredApprovingReviewCount: 1,
      dismissesStaleReviews: true,
      requiresStatusChecks: true,
      requiresStrictStatusChecks: true,
      requiredStatusChecks: [
        { context: 'build', appId: null },
        { context: 'deploy', appId: expect.any(Number) },
      ],
      isAdminEnforced: true,
      restrictsPushes: true,
      requiresLinearHistory: true,
      requiresConversationResolution: true,
    });
    expect(main!.pushAllowances.map((a) => a.type).sort()).toEqual(['App', 'Team', 'User']);
    expect(release).toMatchObject({ pattern: 'release/*', requiresApprovingReviews: true, requiredApprovingReviewCount: 2, restrictsPushes: false });

    expect(fake.rulesets('svc-a')).toMatchObject([
      {
        name: 'protect main',
        enforcement: 'active',
        bypass_actors: [
          { actor_type: 'RepositoryRole', actor_id: 5, bypass_mode: 'always' },
          { actor_type: 'Team', actor_id: platform.id, bypass_mode: 'always' },
        ],
        rules: [
          { type: 'deletion' },
          // GitHub requires every pull_request parameter: the ones not configured get its defaults.
          { type: 'pull_request', parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: false, require_code_owner_review: false } },
        ],
      },
    ]);
    expect(fake.rulesets()).toMatchObject([{ name: 'no force pushes', conditions: { repository_name: { include: ['~ALL'], exclude: ['svc-b'] } } }]);
    const [production] = fake.environments('svc-a');
    expect(production).toMatchObject({ name: 'production', wait_timer: 10, prevent_self_review: true, deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } });
    expect(production!.reviewers.map((x) => x.type)).toEqual(['User', 'Team']);
    expect(production!.branchPolicies.map((p) => p.name)).toEqual(['main', 'release/*']);
    expect(fake.variables('svc-a')).toMatchObject([{ name: 'REGION', value: 'eu-west-1' }]);
    expect(fake.orgVariables()).toMatchObject([{ name: 'DEPLOY_ENV', value: 'prod', visibility: 'selected', repositoryIds: [fake.repo('svc-a').id] }]);
  });

  it('updates every kind to a changed model, writing only what changed', async () => {
    const session = await connectToFake();
    await converge(session, initialModel());
    const changed = await converge(session, changedModel());
    expect(summary(changed)).toEqual([
      'update github.repository/svc-a',
      'update github.repository/svc-b',
      'update github.label/svc-a/bug',
      'update github.label/svc-a/area/ci',
      'update github.team/platform',
      'update github.team/platform-sre',
      'update github.team-repository/platform/svc-a',
      'update github.collaborator/svc-a/carol',
      'update github.branch-protection/svc-a/main',
      'update github.branch-protection/svc-a/release/*',
      'update github.ruleset/svc-a/protect main',
      'update github.org-ruleset/no force pushes',
      'update github.environment/svc-a/production',
      'update github.variable/svc-a/REGION',
      'update github.org-variable/DEPLOY_ENV',
    ]);
    expect(changed.changes.find((c) => c.name === 'svc-a/main')!.fields.map((f) => f.path)).toEqual(['requiredReviews.approvals', 'restrictions.users', 'allowDeletions']);
    // The invitation is still open: its permission changed, not a second invitation.
    expect(fake.invitations('svc-a').map((i) => [i.login, i.permission])).toEqual([['carol', 'push']]);
    expect(fake.team('platform-sre')).toMatchObject({ parentId: null, privacy: 'secret' });
    expect(fake.team('platform-sre').members.size).toBe(0);
    // Push restrictions: users changed, the teams and apps not mentioned were kept.
    expect(fake.protections('svc-a').find((x) => x.pattern === 'main')!.pushAllowances.map((a) => a.type).sort()).toEqual(['App', 'Team', 'User', 'User']);
    expect(fake.rulesets('svc-a')[0]!.rules).toEqual([
      { type: 'pull_request', parameters: expect.objectContaining({ required_approving_review_count: 2 }) },
    ]);
    // Reviewers: users changed to bob; teams were not mentioned, so the team stays.
    expect(fake.environments('svc-a')[0]).toMatchObject({ wait_timer: 5, prevent_self_review: true, reviewers: [{ type: 'User', id: fake.addUser('bob').id }, { type: 'Team' }] });
    expect(fake.environments('svc-a')[0]!.branchPolicies.map((p) => p.name)).toEqual(['main']);
  });

  it('renames keep each resource\'s identity on GitHub', async () => {
    const session = await connectToFake();
    await converge(session, initialModel());
    const ids = {
      team: fake.team('platform-sre').id,
      rule: fake.protections('svc-a').find((p) => p.pattern === 'release/*')!.id,
      ruleset: fake.rulesets('svc-a')[0]!.id,
      orgRuleset: fake.rulesets()[0]!.id,
      environment: fake.environments('svc-a')[0]!.id,
    };
    const renamed = await converge(session, renamedModel());
    expect(summary(renamed).filter((s) => s.startsWith('rename'))).toHaveLength(14);
    expect(fake.team('sre').id).toBe(ids.team);
    expect(fake.protections('svc-alpha').map((p) => [p.id, p.pattern])).toContainEqual([ids.rule, 'releases/*']);
    expect(fake.rulesets('svc-alpha').map((x) => [x.id, x.name])).toEqual([[ids.ruleset, 'protect the default branch']]);
    expect(fake.rulesets().map((x) => [x.id, x.name])).toEqual([[ids.orgRuleset, 'never force push']]);
    expect(fake.environments('svc-alpha')[0]!.id).toBe(ids.environment);
    expect(fake.variables('svc-alpha').map((v) => v.name)).toEqual(['AWS_REGION']);
    expect(fake.orgVariables().map((v) => v.name)).toEqual(['DEPLOYMENT_ENV']);
  });

  it('gives the same plan twice for the same config and org', async () => {
    const session = await connectToFake();
    await converge(session, initialModel());
    expect(await plan(session, changedModel())).toEqual(await plan(session, changedModel()));
  });

  // Org members are only read when the config declares github.member (see member.test.ts).
  it('reads every kind in bulk as targeted reads do, and lists what the config does not declare', async () => {
    const session = await connectToFake();
    await converge(session, initialModel());
    fake.addTeam({ name: 'shadow', members: ['dave'], repos: { 'svc-b': 'admin' } });
    fake.setCollaborator('svc-b', 'carol', 'pull');
    fake.addVariable('svc-b', 'LEFTOVER', 'x');
    const full = await plan(session, initialModel(), true);
    expect(full.readFailures).toEqual([]);
    expect(summary(full).sort()).toEqual([
      'delete github.collaborator/svc-b/carol',
      'delete github.team-repository/shadow/svc-b',
      'delete github.team/shadow',
      'delete github.variable/svc-b/LEFTOVER',
    ]);
    expect(full.changes.filter((c) => c.action === 'delete').every((c) => c.origin === 'extraneous')).toBe(true);
  });
});

describe('a child team declared before its parent', () => {
  it('waits for the parent created in the same step', async () => {
    const session = await connectToFake();
    await converge(session, [r('team', 'child', { parent: 'parent', privacy: 'closed' }), r('team', 'parent', { privacy: 'closed' })]);
    expect(fake.team('child').parentId).toBe(fake.team('parent').id);
  });
});
