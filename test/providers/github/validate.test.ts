import { describe, expect, it } from 'vitest';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake, seedPeople } from './fake.js';
import { r } from './fixtures.js';

const fake = installFakeGitHub({
  seed(f) {
    seedPeople(f);
    f.addRepo({ name: 'api' });
    f.addTeam({ name: 'platform' });
  },
});

const at = (file: string, line: number) => ({ source: { file, line, column: 1 } });

describe('validate: teams, users and apps the config names', () => {
  it('reports each missing one on the line that names it, in a sentence', async () => {
    const session = await connectToFake();
    const resources = [
      { ...r('team', 'web', { parent: 'frontend', members: ['ghost', 'carol'], maintainers: ['alice'] }), ...at('teams.yml', 3) },
      { ...r('team-repository', 'backend/api', { permission: 'push' }), ...at('access.yml', 7) },
      { ...r('collaborator', 'api/nobody', { permission: 'pull' }), ...at('access.yml', 12) },
      { ...r('environment', 'api/prod', { reviewers: { users: ['phantom'], teams: ['platform', 'web'] } }), ...at('envs.yml', 1) },
      { ...r('branch-protection', 'api/main', { restrictions: { apps: ['no-such-app'] }, requiredStatusChecks: { checks: [{ context: 'ci', app: 'ci' }] } }), ...at('protect.yml', 4) },
      { ...r('ruleset', 'api/main', { bypassActors: [{ type: 'team', name: 'admins' }] }), ...at('rules.yml', 2) },
    ];
    const diagnostics = await session.validate(resources);
    expect(diagnostics.map((d) => [d.severity, d.code, d.location?.file, d.location?.line, d.message])).toEqual([
      ['error', 'github.unknown-team', 'teams.yml', 3, 'Team "frontend" does not exist in acme and is not declared, so it cannot be the parent of team "web".'],
      ['error', 'github.unknown-team', 'access.yml', 7, 'Team "backend" does not exist in acme and is not declared, so it cannot be given access to repository "api".'],
      ['error', 'github.unknown-team', 'rules.yml', 2, 'Team "admins" does not exist in acme and is not declared, so it cannot be allowed to bypass ruleset "api/main".'],
      [
        'error',
        'github.not-org-member',
        'teams.yml',
        3,
        'User "carol" is not a member of acme, so they cannot be a member of team "web": GitHub would invite them, and Converge never invites. Invite them on GitHub first.',
      ],
      ['error', 'github.unknown-user', 'teams.yml', 3, 'User "ghost" does not exist on GitHub, so they cannot be a member of team "web".'],
      ['error', 'github.unknown-user', 'access.yml', 12, 'User "nobody" does not exist on GitHub, so they cannot be a collaborator on repository "api".'],
      ['error', 'github.unknown-user', 'envs.yml', 1, 'User "phantom" does not exist on GitHub, so they cannot be a reviewer of environment "api/prod".'],
      ['error', 'github.unknown-app', 'protect.yml', 4, 'GitHub App "no-such-app" does not exist, so it cannot be allowed to push to "api/main".'],
    ]);
    expect(diagnostics.every((d) => d.resource?.startsWith('github.'))).toBe(true);
    // Three lookups: the org's teams, the users (one GraphQL query), the org's members; then one per app.
    expect(fake.requests.map((q) => `${q.kind} ${q.method} ${q.path}`)).toEqual([
      'rest GET /orgs/acme/teams',
      'graphql POST /graphql',
      'rest GET /orgs/acme/members',
      'rest GET /apps/no-such-app',
      'rest GET /apps/ci',
    ]);
  });

  it('accepts what exists or is declared in the same change', async () => {
    const session = await connectToFake();
    const ok = await session.validate([
      r('team', 'web', { name: 'Web', members: ['bob'], maintainers: ['alice'] }),
      r('team-repository', 'web/api', { permission: 'push' }),
      r('collaborator', 'api/carol', { permission: 'pull' }),
      r('environment', 'api/prod', { reviewers: { users: ['alice'], teams: ['platform'] } }),
    ]);
    expect(ok).toEqual([]);
  });

  it('warns, instead of failing the plan, when GitHub cannot be asked', async () => {
    fake.failNext({ path: /^\/graphql$/, status: 502 });
    const session = await connectToFake();
    const diagnostics = await session.validate([r('collaborator', 'api/carol', { permission: 'pull' })]);
    expect(diagnostics).toMatchObject([{ severity: 'warning', code: 'github.validate-skipped', message: expect.stringMatching(/^Could not check that the users named in the config exist/) }]);
  });
});
