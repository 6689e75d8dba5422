import { describe, expect, it } from 'vitest';
import { resourceKey } from '../../../src/core/resource.js';
import { githubKinds, LruEtagCache } from '../../../src/providers/github/index.js';
import { installFakeGitHub, type FakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake, seedPeople } from './fake.js';

const DEFAULT_LABELS = ['bug', 'documentation', 'duplicate', 'enhancement', 'good first issue', 'help wanted', 'invalid', 'question', 'wontfix'];
const REPOS = 500;
const TEAMS = 50;

/**
 * An org of 500 repositories, each with GitHub's 9 default labels, a protected `main` (push
 * restricted to a team) and an Actions variable; every 10th with a `production` environment
 * and a ruleset, every 20th with an outside collaborator. 50 teams of 4 members with 10
 * repositories each, and `everyone` with access to all 500 (so its grants take 5 pages).
 */
function seedOrg(fake: FakeGitHub): void {
  seedPeople(fake);
  const members = Array.from({ length: 40 }, (_, i) => `dev-${i}`);
  for (const login of members) fake.setMember(login);
  const teams = Array.from({ length: TEAMS }, (_, t) => fake.addTeam({ name: `team-${String(t).padStart(2, '0')}`, members: members.slice((t * 4) % 40, ((t * 4) % 40) + 4) }));
  const everyone = fake.addTeam({ name: 'everyone', members: ['alice', 'bob'] });
  for (let i = 0; i < REPOS; i++) {
    const name = `repo-${String(i).padStart(4, '0')}`;
    const repo = fake.addRepo({ name, labels: DEFAULT_LABELS });
    everyone.repos.set(repo.id, 'pull');
    teams[i % TEAMS]!.repos.set(repo.id, 'push');
    fake.addProtection(name, {
      pattern: 'main',
      requiresApprovingReviews: true,
      requiredApprovingReviewCount: 1,
      restrictsPushes: true,
      pushAllowances: [{ type: 'Team', id: teams[i % TEAMS]!.id }],
    });
    fake.addVariable(name, 'SERVICE', name);
    if (i % 10 === 0) {
      fake.putEnvironment(name, 'production', { wait_timer: 5, deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } });
      fake.addRuleset(name, { name: 'main', enforcement: 'active', rules: [{ type: 'deletion' }] });
    }
    if (i % 20 === 0) fake.setCollaborator(name, 'carol', 'pull');
  }
}

const fake = installFakeGitHub({ seed: seedOrg });
const GRAPHQL_KINDS = ['github.repository', 'github.label', 'github.team', 'github.team-repository', 'github.branch-protection'];
const ALL_KINDS = githubKinds.map((k) => k.kind);

describe('what a full read of a 500-repository org costs', () => {
  it('reads repositories, labels, protection, teams with their members, and grants in 10 GraphQL queries', async () => {
    const session = await connectToFake();
    const { resources, failures } = await session.readAll(GRAPHQL_KINDS);
    expect(failures).toEqual([]);
    const count = (kind: string) => resources.filter((r) => r.kind === kind).length;
    expect([count('github.repository'), count('github.label'), count('github.branch-protection'), count('github.team'), count('github.team-repository')]).toEqual([
      500, 4_500, 500, 51, 1_000,
    ]);
    expect(resources.find((r) => resourceKey(r) === 'github.branch-protection/repo-0007/main')!.spec).toMatchObject({
      requiredReviews: { approvals: 1 },
      restrictions: { users: [], teams: ['team-07'], apps: [] },
    });
    // 5 repository queries (the first page, then 4 by id; 100 each, with labels and protection)
    // + 1 team page (51 teams) + 4 follow-up pages for the grants of `everyone` past its first
    // 100 repositories; the queries by id start from the REST listing of the org (5 pages).
    expect(fake.count({ kind: 'graphql' })).toBe(10);
    expect(fake.count({ kind: 'rest' })).toBe(5);
    // GraphQL has no conditional requests: a second read costs the same 10 queries. The saving
    // is the batching: REST would need, per repository, a GET, a label list and a protection
    // GET, and per team a GET, two member lists and a repository list (≈ 1,700 requests).
    fake.resetLog();
    await (await connectToFake()).readAll(GRAPHQL_KINDS);
    expect(fake.count()).toBe(15);
  }, 60_000);

  it('reads every kind; read again with one change, ≥ 99% of REST requests are free 304s', async () => {
    const cache = new LruEtagCache({ maxEntries: 10_000 });
    const first = await (await connectToFake('acme', cache)).readAll(ALL_KINDS);
    expect(first.failures).toEqual([]);
    // 6,551 as above, 500 variables, 50 environments, 50 rulesets, 25 collaborators, 43 members.
    expect(first.resources).toHaveLength(6_551 + 500 + 50 + 50 + 25 + 43);
    const rest = fake.count({ kind: 'rest' });
    // Per repository: collaborators + invitations, environments, variables, rulesets (5 x 500);
    // per ruleset a GET (50); org members (2 lists), org variables, org rulesets; the 5 pages
    // of the org's repository listing.
    expect(rest).toBe(5 * REPOS + 50 + 2 + 1 + 1 + 5);
    expect(fake.count({ kind: 'graphql' })).toBe(10);

    fake.resetLog();
    fake.addVariable('repo-0042', 'ADDED', 'by hand');
    const second = await (await connectToFake('acme', cache)).readAll(ALL_KINDS);
    expect(second.resources).toHaveLength(first.resources.length + 1);
    const notModified = fake.count({ etag304: true });
    expect(fake.count({ kind: 'rest' })).toBe(rest);
    expect(notModified).toBe(rest - 1);
    expect(notModified / fake.count({ kind: 'rest' })).toBeGreaterThanOrEqual(0.99);
    expect(fake.rateLimit().used).toBe(rest + 1);
  }, 120_000);

  it('reads the resources a commit touches with one list (or query) per parent, however many children', async () => {
    const session = await connectToFake();
    const refs = [
      ...['SERVICE', 'A', 'B'].map((n) => `repo-0010/${n}`).map((name) => ({ kind: 'github.variable', target: 'default', name })),
      ...['production', 'staging'].map((n) => ({ kind: 'github.environment', target: 'default', name: `repo-0010/${n}` })),
      ...['carol', 'bob'].map((n) => ({ kind: 'github.collaborator', target: 'default', name: `repo-0020/${n}` })),
      ...['main', 'other'].map((n) => ({ kind: 'github.ruleset', target: 'default', name: `repo-0010/${n}` })),
      ...['repo-0000', 'repo-0050', 'repo-0100'].map((n) => ({ kind: 'github.team-repository', target: 'default', name: `team-00/${n}` })),
      ...['team-00', 'team-01', 'everyone'].map((name) => ({ kind: 'github.team', target: 'default', name })),
      ...['repo-0001', 'repo-0002', 'repo-0003'].map((n) => ({ kind: 'github.branch-protection', target: 'default', name: `${n}/main` })),
    ];
    const results = await session.read(refs);
    expect(results.filter((x) => x.error)).toEqual([]);
    expect(results.filter((x) => x.actual).map((x) => resourceKey(x.ref)).sort()).toEqual(
      [
        'github.branch-protection/repo-0001/main',
        'github.branch-protection/repo-0002/main',
        'github.branch-protection/repo-0003/main',
        'github.collaborator/repo-0020/carol',
        'github.environment/repo-0010/production',
        'github.ruleset/repo-0010/main',
        'github.team-repository/team-00/repo-0000',
        'github.team-repository/team-00/repo-0050',
        'github.team-repository/team-00/repo-0100',
        'github.team/everyone',
        'github.team/team-00',
        'github.team/team-01',
        'github.variable/repo-0010/SERVICE',
      ].sort(),
    );
    expect(fake.requests.map((q) => (q.kind === 'graphql' ? 'graphql' : q.route)).sort()).toEqual(
      [
        'GET /repos/{owner}/{repo}/actions/variables',
        'GET /repos/{owner}/{repo}/environments',
        'GET /repos/{owner}/{repo}/collaborators',
        'GET /repos/{owner}/{repo}/invitations',
        'GET /repos/{owner}/{repo}/rulesets',
        'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}',
        // Teams with their members, team grants, and the protection of three repositories.
        'graphql',
        'graphql',
        'graphql',
      ].sort(),
    );
  });
});
