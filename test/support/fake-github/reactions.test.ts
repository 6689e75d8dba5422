import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { installFakeGitHub } from './index.js';

// checkResponses: the reaction JSON the fake returns is checked against GitHub's documented schema.
const fake = installFakeGitHub({ checkResponses: true });

describe('reactions on comments', () => {
  it('stores one reaction per content and user, as GitHub does', async () => {
    fake.addRepo({ name: 'config' });
    fake.addIssue('config', { title: 'ask' });
    const comment = fake.addComment('config', 1, '/converge full-run', 'octocat');
    const gh = new Octokit({ auth: 'token' });
    const first = await gh.rest.reactions.createForIssueComment({ owner: 'acme', repo: 'config', comment_id: comment.id, content: 'eyes' });
    const again = await gh.rest.reactions.createForIssueComment({ owner: 'acme', repo: 'config', comment_id: comment.id, content: 'eyes' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.data.id).toBe(first.data.id);
    expect(fake.comments('config', 1)[0]!.reactions.map((r) => [r.content, r.user.login])).toEqual([['eyes', 'converge[bot]']]);
  });

  it('answers 404 for a comment that does not exist', async () => {
    fake.addRepo({ name: 'config' });
    const gh = new Octokit({ auth: 'token' });
    await expect(gh.rest.reactions.createForIssueComment({ owner: 'acme', repo: 'config', comment_id: 999, content: 'eyes' })).rejects.toMatchObject({ status: 404 });
  });
});
