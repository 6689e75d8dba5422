/** Signed webhook deliveries, shaped like GitHub's published examples, sent to a running web process. */
import { randomUUID } from 'node:crypto';
import { atRepo, example, sign } from '../../support/webhooks.js';
import type { FakeGitHub, PullRecord } from '../../support/fake-github/index.js';

type Json = Record<string, any>;

export interface Delivery {
  status: number;
  body: string;
  id: string;
}

export async function deliver(url: string, secret: string | undefined, name: string, payload: Json, id = randomUUID()): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': id, 'user-agent': 'GitHub-Hookshot/e2e' };
  if (secret !== undefined) headers['x-hub-signature-256'] = sign(secret, body);
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text(), id };
}

/** The fake's repository as a webhook payload's `repository`. */
function repositoryOf(fake: FakeGitHub, payload: Json, repo: string): void {
  const record = fake.repo(repo);
  atRepo(payload, record.owner, record.name);
  payload.repository.id = record.id;
  payload.repository.default_branch = record.default_branch;
  payload.repository.private = record.private;
}

export function pullRequestEvent(fake: FakeGitHub, repo: string, pull: PullRecord, action: 'opened' | 'synchronize' = 'opened'): Json {
  return example('pull_request', action, (p) => {
    repositoryOf(fake, p, repo);
    p.number = pull.number;
    p.pull_request.number = pull.number;
    p.pull_request.head.sha = pull.head.sha;
    p.pull_request.head.ref = pull.head.ref;
    p.pull_request.head.repo = structuredClone(p.repository);
    p.pull_request.base.sha = pull.base.sha;
    p.pull_request.base.ref = pull.base.ref;
    p.pull_request.base.repo = structuredClone(p.repository);
  });
}

export function pushEvent(fake: FakeGitHub, repo: string, before: string, after: string): Json {
  return example('push', undefined, (p) => {
    repositoryOf(fake, p, repo);
    p.ref = `refs/heads/${fake.repo(repo).default_branch}`;
    p.before = before;
    p.after = after;
    p.deleted = false;
  });
}

export function commentEvent(fake: FakeGitHub, repo: string, issue: { number: number }, comment: { id: number; body: string; login: string }): Json {
  return example('issue_comment', 'created', (p) => {
    repositoryOf(fake, p, repo);
    p.issue.number = issue.number;
    p.comment.id = comment.id;
    p.comment.body = comment.body;
    p.comment.user.login = comment.login;
  });
}

/** Merges a PR in the fake as GitHub would: its changes land on the default branch, the PR is closed and merged. */
export function mergePull(fake: FakeGitHub, repo: string, pull: PullRecord, files: Record<string, string | null>): string {
  const sha = fake.commit(repo, files, { message: `Merge pull request #${pull.number}` });
  pull.merged = true;
  pull.state = 'closed';
  pull.merge_commit_sha = sha;
  pull.merged_at = '2025-01-01T00:00:00Z';
  return sha;
}
