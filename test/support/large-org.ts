import { seedPeople } from '../providers/github/fake.js';
import type { FakeGitHub } from './fake-github/index.js';

/** The labels GitHub gives a new repository. */
export const DEFAULT_LABELS = ['bug', 'documentation', 'duplicate', 'enhancement', 'good first issue', 'help wanted', 'invalid', 'question', 'wontfix'];

/**
 * An org as imports meet them: `repos` repositories with GitHub's default labels, a protected
 * `main` and a variable; `teams` teams of 4 with push on their share of the repositories,
 * `everyone` with pull on all; every 10th repository with an environment and a ruleset, every
 * 20th with an outside collaborator.
 */
export function seedLargeOrg(fake: FakeGitHub, size: { repos: number; teams: number }): void {
  seedPeople(fake);
  const members = Array.from({ length: 40 }, (_, i) => `dev-${i}`);
  for (const login of members) fake.setMember(login);
  const teams = Array.from({ length: size.teams }, (_, t) => fake.addTeam({ name: `team-${String(t).padStart(2, '0')}`, members: members.slice((t * 4) % 40, ((t * 4) % 40) + 4) }));
  const everyone = fake.addTeam({ name: 'everyone', members: ['alice', 'bob'] });
  for (let i = 0; i < size.repos; i++) {
    const name = `repo-${String(i).padStart(4, '0')}`;
    const repo = fake.addRepo({ name, labels: DEFAULT_LABELS });
    everyone.repos.set(repo.id, 'pull');
    teams[i % size.teams]!.repos.set(repo.id, 'push');
    fake.addProtection(name, {
      pattern: 'main',
      requiresApprovingReviews: true,
      requiredApprovingReviewCount: 1,
      restrictsPushes: true,
      pushAllowances: [{ type: 'Team', id: teams[i % size.teams]!.id }],
    });
    fake.addVariable(name, 'SERVICE', name);
    if (i % 10 === 0) {
      fake.putEnvironment(name, 'production', { wait_timer: 5, deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } });
      fake.addRuleset(name, { name: 'main', enforcement: 'active', rules: [{ type: 'deletion' }] });
    }
    if (i % 20 === 0) fake.setCollaborator(name, 'carol', 'pull');
  }
}
