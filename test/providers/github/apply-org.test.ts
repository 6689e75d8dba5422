import { describe, expect, it } from 'vitest';
import { api, change, connect, strictNock } from './helpers.js';

strictNock();


const team = (slug: string, id = 7) => ({ id, node_id: `T_${id}`, slug, name: slug });

describe('teams', () => {
  it('creates with the parent resolved to its id, then adds members after checking they are in the org', async () => {
    api().get('/orgs/acme/teams/platform').reply(200, team('platform', 3));
    api()
      .post('/orgs/acme/teams', { name: 'Platform SRE', description: 'On call', privacy: 'closed', notification_setting: 'notifications_disabled', parent_team_id: 3 })
      .reply(201, team('platform-sre', 9));
    api().get('/orgs/acme/memberships/bob').reply(200, { state: 'active', role: 'member' });
    api().put('/orgs/acme/teams/platform-sre/memberships/bob', { role: 'maintainer' }).reply(200, { state: 'active', role: 'maintainer' });
    const { session } = await connect();
    await session.apply(
      change('team', 'create', 'platform-sre', [
        ['name', 'Platform SRE'],
        ['description', 'On call'],
        ['privacy', 'closed'],
        ['parent', 'platform'],
        ['notifications', false],
        ['maintainers', ['bob']],
      ]),
    );
  });

  it('renames by PATCHing the old slug with the new name; removes only members of a managed list', async () => {
    api().patch('/orgs/acme/teams/old', { name: 'new', parent_team_id: null }).reply(200, team('new'));
    api().delete('/orgs/acme/teams/new/memberships/eve').reply(204);
    const { session } = await connect();
    await session.apply(
      change('team', 'rename', 'new', [['parent', null], ['members', ['bob']]], {
        fromName: 'old',
        actual: { members: ['bob', 'eve'], maintainers: ['alice'] },
      }),
    );
  });
});

describe('collaborators', () => {
  it('changes the permission of a pending invitation on the invitation', async () => {
    api().get('/repos/acme/api/invitations').query({ per_page: 100 }).reply(200, [{ id: 55, invitee: { login: 'Carol' }, permissions: 'read' }]);
    api().patch('/repos/acme/api/invitations/55', { permissions: 'write' }).reply(200, {});
    const { session } = await connect();
    await session.apply(change('collaborator', 'update', 'api/carol', [['permission', 'push']], { desired: { permission: 'push' } }));
  });
});

describe('environments', () => {
  it('PUTs the whole protection (live values for fields not changed), reviewers resolved to ids', async () => {
    api().get('/users/alice').reply(200, { id: 11, node_id: 'U_11', login: 'alice' });
    api().get('/orgs/acme/teams/ops').reply(200, team('ops', 21));
    api()
      .put('/repos/acme/api/environments/prod%2Feu', {
        wait_timer: 30,
        prevent_self_review: true,
        reviewers: [
          { type: 'User', id: 11 },
          { type: 'Team', id: 21 },
        ],
        deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
      })
      .reply(200, {});
    const { session } = await connect();
    await session.apply(
      change('environment', 'update', 'api/prod/eu', [['reviewers.users', ['alice']]], {
        actual: { waitTimer: 30, preventSelfReview: true, reviewers: { users: [], teams: ['ops'] }, deploymentBranches: 'protected' },
      }),
    );
  });
});

describe('branch protection', () => {
  it('finds the rule by pattern, then updates only the sections that changed, lists whole', async () => {
    const bodies: Array<{ query: string; variables: Record<string, unknown> }> = [];
    api()
      .post('/graphql', (body: { query: string; variables: Record<string, unknown> }) => bodies.push(body) > 0 && /ConvergeProtection/.test(body.query))
      .reply(200, { data: { r0: { id: 'R_1', name: 'api', branchProtectionRules: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{ id: 'BPR_1', pattern: 'main', pushAllowances: { pageInfo: { hasNextPage: false }, nodes: [] } }] } } } });
    api().get('/users/bob').reply(200, { id: 12, node_id: 'U_12', login: 'bob' });
    api().get('/orgs/acme/teams/ops').reply(200, team('ops', 21));
    api()
      .post('/graphql', (body: { query: string; variables: Record<string, unknown> }) => bodies.push(body) > 0 && /updateBranchProtectionRule/.test(body.query))
      .reply(200, { data: { updateBranchProtectionRule: { branchProtectionRule: { id: 'BPR_1' } } } });
    const { session } = await connect();
    await session.apply(
      change('branch-protection', 'update', 'api/main', [['restrictions.users', ['bob']], ['requiredReviews.approvals', 2], ['allowDeletions', false]], {
        actual: { requiredReviews: { approvals: 1, dismissStaleReviews: true }, restrictions: { users: ['alice'], teams: ['ops'], apps: [] }, allowDeletions: true, enforceAdmins: true },
      }),
    );
    expect(bodies[0]!.variables).toEqual({ org: 'acme', allowances: 100, n0: 'api', c0: null });
    expect(bodies[1]!.variables).toEqual({
      input: {
        branchProtectionRuleId: 'BPR_1',
        requiresApprovingReviews: true,
        requiredApprovingReviewCount: 2,
        dismissesStaleReviews: true,
        restrictsPushes: true,
        pushActorIds: ['U_12', 'T_21'],
        allowsDeletions: false,
      },
    });
  });
});

describe('variables', () => {
  it('renames with the new name in the body and the old one in the path', async () => {
    api().patch('/orgs/acme/actions/variables/OLD_NAME', { name: 'NEW_NAME', value: 'v2' }).reply(204);
    const { session } = await connect();
    await session.apply(change('org-variable', 'rename', 'NEW_NAME', [['value', 'v2']], { fromName: 'OLD_NAME' }));
  });

  it('creates an org variable visible to the repositories listed, by id', async () => {
    api().get('/repos/acme/api').reply(200, { id: 101, node_id: 'R_101', name: 'api' });
    api().post('/orgs/acme/actions/variables', { name: 'REGION', value: 'eu', visibility: 'selected', selected_repository_ids: [101] }).reply(201, {});
    const { session } = await connect();
    await session.apply(change('org-variable', 'create', 'REGION', [], { desired: { value: 'eu', visibility: 'selected', repositories: ['api'] } }));
  });
});

describe('rulesets', () => {
  it('writes each rule with the parameters given over the live ones, and GitHub\'s required defaults', async () => {
    api().get('/repos/acme/api/rulesets').query({ per_page: 100, includes_parents: false }).reply(200, [{ id: 5, name: 'main', source_type: 'Repository', enforcement: 'active' }]);
    api()
      .put('/repos/acme/api/rulesets/5', {
        rules: [
          { type: 'deletion' },
          {
            type: 'pull_request',
            parameters: {
              dismiss_stale_reviews_on_push: true,
              require_code_owner_review: false,
              require_last_push_approval: false,
              required_approving_review_count: 2,
              required_review_thread_resolution: false,
            },
          },
          { type: 'required_status_checks', parameters: { required_status_checks: [], strict_required_status_checks_policy: true } },
        ],
      })
      .reply(200, {});
    const { session } = await connect();
    const live = { type: 'pull_request', parameters: { dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_approving_review_count: 1, required_review_thread_resolution: false } };
    await session.apply(
      change(
        'ruleset',
        'update',
        'api/main',
        [['rules', [{ type: 'deletion' }, { type: 'pull_request', parameters: { required_approving_review_count: 2 } }, { type: 'required_status_checks', parameters: { strict_required_status_checks_policy: true } }]]],
        { actual: { enforcement: 'active', rules: [live] } },
      ),
    );
  });
});
