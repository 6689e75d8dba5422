import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { installFakeGitHub } from './index.js';

// checkResponses: the JSON the fake returns is checked against GitHub's documented schemas.
const fake = installFakeGitHub({ checkResponses: true });
const octokit = () => new Octokit({ auth: 'ghs_test', baseUrl: fake.urls.api });

async function status(promise: Promise<{ status: number }>): Promise<number> {
  try {
    return (await promise).status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('users, apps and org members', () => {
  it('looks users and apps up, and lists members by role', async () => {
    fake.addUser('Alice', 'admin');
    fake.addUser('bob', 'member');
    fake.addUser('outsider');
    fake.addApp('ci-bot');
    const gh = octokit();
    expect((await gh.users.getByUsername({ username: 'alice' })).data).toMatchObject({ login: 'Alice', type: 'User' });
    expect(await status(gh.users.getByUsername({ username: 'nobody' }))).toBe(404);
    expect((await gh.apps.getBySlug({ app_slug: 'ci-bot' })).data).toMatchObject({ slug: 'ci-bot' });
    expect((await gh.orgs.listMembers({ org: 'acme', role: 'admin' })).data.map((u) => u.login)).toEqual(['Alice']);
    expect((await gh.orgs.listMembers({ org: 'acme' })).data.map((u) => u.login)).toEqual(['Alice', 'bob']);
    const data = await gh.graphql<{ a: { login: string } }>('query { a: user(login: "alice") { login id } }');
    expect(data.a.login).toBe('Alice');
    await expect(gh.graphql('query { user(login: "nobody") { login } }')).rejects.toThrow(/Could not resolve to a User/);
  });
});

describe('teams', () => {
  it('creates, renames, nests and deletes teams; slugs follow the name', async () => {
    const gh = octokit();
    const { data: created } = await gh.teams.create({ org: 'acme', name: 'Platform Team', privacy: 'closed' });
    expect(created).toMatchObject({ slug: 'platform-team', privacy: 'closed', parent: null });
    const { data: child } = await gh.teams.create({ org: 'acme', name: 'sre', parent_team_id: created.id });
    expect(child).toMatchObject({ privacy: 'closed', parent: { slug: 'platform-team' } });
    expect(await status(gh.teams.create({ org: 'acme', name: 'platform team' }))).toBe(422);
    await gh.teams.updateInOrg({ org: 'acme', team_slug: 'platform-team', name: 'Platform', description: 'x' });
    expect((await gh.teams.getByName({ org: 'acme', team_slug: 'platform' })).data).toMatchObject({ description: 'x', members_count: 0 });
    expect((await gh.teams.list({ org: 'acme' })).data.map((t) => t.slug)).toEqual(['platform', 'sre']);
    await gh.teams.deleteInOrg({ org: 'acme', team_slug: 'platform' });
    expect(fake.teams()).toEqual([]);
  });

  it('adds members (inviting outsiders to the org) and grants repositories', async () => {
    fake.addRepo({ name: 'api' });
    fake.addUser('alice', 'member');
    fake.addUser('stranger');
    fake.addTeam({ name: 'devs' });
    const gh = octokit();
    expect((await gh.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'devs', username: 'alice', role: 'maintainer' })).data).toMatchObject({ state: 'active' });
    expect((await gh.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'devs', username: 'stranger' })).data).toMatchObject({ state: 'pending' });
    expect(fake.orgInvitations().map((i) => i.login)).toEqual(['stranger']);
    await gh.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'devs', owner: 'acme', repo: 'api', permission: 'maintain' });
    expect(await status(gh.teams.addOrUpdateRepoPermissionsInOrg({ org: 'acme', team_slug: 'devs', owner: 'acme', repo: 'api', permission: 'boss' }))).toBe(422);
    const data = await gh.graphql<{ organization: { team: { members: { edges: Array<{ role: string; node: { login: string } }> }; repositories: { edges: Array<{ permission: string; node: { name: string } }> } } } }>(
      `query { organization(login: "acme") { team(slug: "devs") {
        members(first: 10, membership: IMMEDIATE) { edges { role node { login } } }
        repositories(first: 10) { edges { permission node { name } } } } } }`,
    );
    expect(data.organization.team.members.edges).toEqual([{ role: 'MAINTAINER', node: { login: 'alice' } }]);
    expect(data.organization.team.repositories.edges).toEqual([{ permission: 'MAINTAIN', node: { name: 'api' } }]);
    await gh.teams.removeMembershipForUserInOrg({ org: 'acme', team_slug: 'devs', username: 'alice' });
    expect(fake.team('devs').members.size).toBe(0);
  });
});

describe('collaborators', () => {
  it('invites outside collaborators and adds org members directly', async () => {
    fake.addRepo({ name: 'api' });
    fake.addUser('outsider');
    fake.addUser('member', 'member');
    const gh = octokit();
    expect(await status(gh.repos.addCollaborator({ owner: 'acme', repo: 'api', username: 'outsider', permission: 'triage' }))).toBe(201);
    expect(await status(gh.repos.addCollaborator({ owner: 'acme', repo: 'api', username: 'member', permission: 'push' }))).toBe(204);
    const invitations = (await gh.repos.listInvitations({ owner: 'acme', repo: 'api' })).data;
    expect(invitations.map((i) => [i.invitee?.login, i.permissions])).toEqual([['outsider', 'triage']]);
    await gh.repos.updateInvitation({ owner: 'acme', repo: 'api', invitation_id: invitations[0]!.id, permissions: 'write' });
    fake.acceptInvitation('api', 'outsider');
    const direct = (await gh.repos.listCollaborators({ owner: 'acme', repo: 'api', affiliation: 'direct' })).data;
    expect(direct.map((c) => [c.login, c.role_name])).toEqual([
      ['outsider', 'write'],
      ['member', 'write'],
    ]);
    expect((await gh.repos.listCollaborators({ owner: 'acme', repo: 'api', affiliation: 'outside' })).data.map((c) => c.login)).toEqual(['outsider']);
  });

  it('answers a user\'s effective permission on a repository', async () => {
    fake.addRepo({ name: 'api' });
    fake.addRepo({ name: 'secret', private: true, visibility: 'private' });
    fake.addUser('owner', 'admin');
    fake.addUser('dev', 'member');
    fake.addTeam({ name: 'devs', members: ['dev'], repos: { api: 'maintain' } });
    const gh = octokit();
    const level = async (repo: string, username: string) => (await gh.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo, username })).data;
    expect(await level('api', 'owner')).toMatchObject({ permission: 'admin', role_name: 'admin' });
    expect(await level('api', 'dev')).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect(await level('api', 'octocat')).toMatchObject({ permission: 'read', role_name: 'read' });
    expect(await level('secret', 'octocat')).toMatchObject({ permission: 'none', role_name: 'none' });
  });
});

describe('environments, variables, rulesets', () => {
  it('serves environments with reviewers and custom branch policies', async () => {
    fake.addRepo({ name: 'api' });
    const alice = fake.addUser('alice', 'member');
    const team = fake.addTeam({ name: 'ops' });
    const gh = octokit();
    await gh.repos.createOrUpdateEnvironment({
      owner: 'acme',
      repo: 'api',
      environment_name: 'prod/eu',
      wait_timer: 30,
      reviewers: [
        { type: 'User', id: alice.id },
        { type: 'Team', id: team.id },
      ],
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    await gh.repos.createDeploymentBranchPolicy({ owner: 'acme', repo: 'api', environment_name: 'prod/eu', name: 'release/*', type: 'branch' });
    const { data } = await gh.repos.getAllEnvironments({ owner: 'acme', repo: 'api', per_page: 100 });
    expect(data.environments![0]).toMatchObject({ name: 'prod/eu', protection_rules: [{ type: 'wait_timer', wait_timer: 30 }, { type: 'required_reviewers' }, { type: 'branch_policy' }] });
    const policies = (await gh.repos.listDeploymentBranchPolicies({ owner: 'acme', repo: 'api', environment_name: 'prod/eu' })).data;
    expect(policies.branch_policies.map((p) => p.name)).toEqual(['release/*']);
    expect(await status(gh.repos.createOrUpdateEnvironment({ owner: 'acme', repo: 'api', environment_name: 'x', wait_timer: 99_999 }))).toBe(422);
  });

  it('serves repository and org variables, at most 30 per page', async () => {
    const repo = fake.addRepo({ name: 'api' });
    for (let i = 0; i < 35; i++) fake.addVariable('api', `v_${i}`, String(i));
    const gh = octokit();
    const first = await gh.actions.listRepoVariables({ owner: 'acme', repo: 'api', per_page: 100 });
    expect(first.data.variables).toHaveLength(30);
    expect(first.data.total_count).toBe(35);
    expect(first.headers.link).toContain('rel="next"');
    expect(await status(gh.actions.createRepoVariable({ owner: 'acme', repo: 'api', name: 'v_1', value: 'x' }))).toBe(409);
    await gh.actions.createOrgVariable({ org: 'acme', name: 'region', value: 'eu', visibility: 'selected', selected_repository_ids: [repo.id] });
    expect((await gh.actions.listOrgVariables({ org: 'acme' })).data.variables).toMatchObject([{ name: 'REGION', visibility: 'selected' }]);
    expect((await gh.actions.listSelectedReposForOrgVariable({ org: 'acme', name: 'region' })).data.repositories.map((r) => r.name)).toEqual(['api']);
  });

  it('serves repository and org rulesets', async () => {
    fake.addRepo({ name: 'api' });
    const gh = octokit();
    const { data } = await gh.repos.createRepoRuleset({
      owner: 'acme',
      repo: 'api',
      name: 'main',
      enforcement: 'active',
      conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
      rules: [{ type: 'deletion' }, { type: 'required_linear_history' }],
    });
    expect(data).toMatchObject({ name: 'main', source_type: 'Repository', rules: [{ type: 'deletion' }, { type: 'required_linear_history' }] });
    await gh.repos.updateRepoRuleset({ owner: 'acme', repo: 'api', ruleset_id: data.id, name: 'default branch' });
    await gh.repos.createOrgRuleset({ org: 'acme', name: 'all', enforcement: 'evaluate', conditions: { ref_name: { include: ['~ALL'], exclude: [] }, repository_name: { include: ['~ALL'], exclude: [] } }, rules: [{ type: 'deletion' }] });
    expect((await gh.repos.getRepoRulesets({ owner: 'acme', repo: 'api' })).data.map((r) => r.name)).toEqual(['default branch', 'all']);
    expect((await gh.repos.getRepoRulesets({ owner: 'acme', repo: 'api', includes_parents: false })).data.map((r) => r.name)).toEqual(['default branch']);
    expect(await status(gh.repos.createRepoRuleset({ owner: 'acme', repo: 'api', name: 'Default Branch', enforcement: 'active' }))).toBe(422);
  });
});

describe('branch protection rules (GraphQL)', () => {
  it('creates, reads, updates and deletes rules with push allowances and app-pinned checks', async () => {
    const repo = fake.addRepo({ name: 'api' });
    const alice = fake.addUser('alice', 'member');
    const app = fake.addApp('ci');
    const gh = octokit();
    const created = await gh.graphql<{ createBranchProtectionRule: { branchProtectionRule: { id: string } } }>(
      `mutation($input: CreateBranchProtectionRuleInput!) { createBranchProtectionRule(input: $input) { branchProtectionRule { id } } }`,
      {
        input: {
          repositoryId: repo.node_id,
          pattern: 'main',
          requiresApprovingReviews: true,
          requiredApprovingReviewCount: 2,
          restrictsPushes: true,
          pushActorIds: [`U_kgDO${Buffer.from(`0${alice.id}`).toString('base64url')}`],
          requiresStatusChecks: true,
          requiredStatusChecks: [{ context: 'build', appId: `A_kgDO${Buffer.from(`0${app.id}`).toString('base64url')}` }, { context: 'lint', appId: 'any' }],
        },
      },
    );
    await expect(
      gh.graphql(`mutation($input: CreateBranchProtectionRuleInput!) { createBranchProtectionRule(input: $input) { clientMutationId } }`, { input: { repositoryId: repo.node_id, pattern: 'main' } }),
    ).rejects.toThrow(/already protected/);
    const id = created.createBranchProtectionRule.branchProtectionRule.id;
    await gh.graphql(`mutation($input: UpdateBranchProtectionRuleInput!) { updateBranchProtectionRule(input: $input) { clientMutationId } }`, {
      input: { branchProtectionRuleId: id, allowsDeletions: true },
    });
    const data = await gh.graphql<{ repository: { branchProtectionRules: { nodes: Array<Record<string, unknown>> } } }>(
      `query { repository(owner: "acme", name: "api") { branchProtectionRules(first: 10) { nodes {
        pattern requiredApprovingReviewCount allowsDeletions
        requiredStatusChecks { context app { slug } }
        pushAllowances(first: 10) { nodes { actor { __typename ... on User { login } } } } } } } }`,
    );
    expect(data.repository.branchProtectionRules.nodes).toEqual([
      {
        pattern: 'main',
        requiredApprovingReviewCount: 2,
        allowsDeletions: true,
        requiredStatusChecks: [
          { context: 'build', app: { slug: 'ci' } },
          { context: 'lint', app: null },
        ],
        pushAllowances: { nodes: [{ actor: { __typename: 'User', login: 'alice' } }] },
      },
    ]);
    await gh.graphql(`mutation($input: DeleteBranchProtectionRuleInput!) { deleteBranchProtectionRule(input: $input) { clientMutationId } }`, { input: { branchProtectionRuleId: id } });
    expect(fake.protections('api')).toEqual([]);
  });
});

describe('org memberships', () => {
  it('answers a member\'s role, a pending invitation, and 404 for others', async () => {
    fake.addUser('alice', 'admin');
    fake.addUser('stranger');
    fake.addTeam({ name: 'devs' });
    const gh = octokit();
    expect((await gh.orgs.getMembershipForUser({ org: 'acme', username: 'alice' })).data).toMatchObject({ state: 'active', role: 'admin' });
    expect(await status(gh.orgs.getMembershipForUser({ org: 'acme', username: 'stranger' }))).toBe(404);
    await gh.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'devs', username: 'stranger' });
    expect((await gh.orgs.getMembershipForUser({ org: 'acme', username: 'stranger' })).data).toMatchObject({ state: 'pending' });
  });
});
