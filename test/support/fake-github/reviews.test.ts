import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { installFakeGitHub } from './index.js';

// checkResponses: the review and membership JSON the fake returns is checked against GitHub's documented schema.
const fake = installFakeGitHub({ checkResponses: true });
const gh = () => new Octokit({ auth: 'token' });

describe('pull request reviews', () => {
  it('lists reviews in order, each at the head it was given at, and a dismissed one as DISMISSED', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'a.yml': 'a: 1\n' }, { branch: 'change' });
    const pull = fake.addPull('config', { head: { ref: 'change' } });
    const first = pull.head.sha;
    const approval = fake.submitReview('config', pull.number, { login: 'carol', state: 'APPROVED' });
    fake.submitReview('config', pull.number, { login: 'renovate[bot]', type: 'Bot', state: 'APPROVED' });
    fake.commit('config', { 'a.yml': 'a: 2\n' }, { branch: 'change' });
    pull.head.sha = fake.head('config', 'change')!;
    fake.submitReview('config', pull.number, { login: 'dave', state: 'CHANGES_REQUESTED' });
    fake.dismissReview('config', approval.id);

    const { data } = await gh().rest.pulls.listReviews({ owner: 'acme', repo: 'config', pull_number: pull.number, per_page: 2 });
    expect(data.map((r) => [r.user?.login, r.user?.type, r.state, r.commit_id])).toEqual([
      ['carol', 'User', 'DISMISSED', first],
      ['renovate[bot]', 'Bot', 'APPROVED', first],
    ]);
    const all = await gh().paginate(gh().rest.pulls.listReviews, { owner: 'acme', repo: 'config', pull_number: pull.number, per_page: 2 });
    expect(all.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([
      ['carol', 'DISMISSED', first],
      ['renovate[bot]', 'APPROVED', first],
      ['dave', 'CHANGES_REQUESTED', pull.head.sha],
    ]);
    await expect(gh().rest.pulls.listReviews({ owner: 'acme', repo: 'config', pull_number: 99 })).rejects.toMatchObject({ status: 404 });
  });
});

describe('team membership', () => {
  it('is active for members and members of child teams, pending for an invitation, 404 otherwise', async () => {
    fake.addTeam({ name: 'db', members: ['carol'] });
    fake.addTeam({ name: 'db-oncall', parent: 'db', members: ['erin'] });
    fake.addUser('outsider');
    fake.addUser('mallory');
    const membership = (team: string, username: string) => gh().rest.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: team, username });

    expect((await membership('db', 'carol')).data).toMatchObject({ state: 'active', role: 'member' });
    expect((await membership('db', 'erin')).data).toMatchObject({ state: 'active' });
    await expect(membership('db-oncall', 'carol')).rejects.toMatchObject({ status: 404 });
    await gh().rest.teams.addOrUpdateMembershipForUserInOrg({ org: 'acme', team_slug: 'db', username: 'outsider' });
    expect((await membership('db', 'outsider')).data).toMatchObject({ state: 'pending' });
    await expect(membership('db', 'mallory')).rejects.toMatchObject({ status: 404 });
    await expect(membership('nope', 'carol')).rejects.toMatchObject({ status: 404 });
  });
});
