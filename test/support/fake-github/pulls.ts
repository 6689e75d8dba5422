/** Pull requests: seeded by tests (the app reads them, it never opens them). */
import { notFound, ok, paginate, type FakeRequest } from './http.js';
import { repoJson } from './repo-json.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { nodeId, orgActor, userJson, type Actor, type World } from './world.js';

export interface PullRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  merged: boolean;
  merge_commit_sha: string | null;
  merged_at: string | null;
  draft: boolean;
  user: Actor;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface PullSeed {
  number?: number;
  title?: string;
  body?: string | null;
  /** Head branch and sha; the sha defaults to the branch's head commit in the fake. */
  head: { ref: string; sha?: string };
  base?: { ref?: string; sha?: string };
  merged?: boolean;
  merge_commit_sha?: string | null;
  state?: 'open' | 'closed';
  draft?: boolean;
  user?: Actor;
}

export class PullStore {
  private readonly byRepo = new Map<number, Map<number, PullRecord>>();

  constructor(private readonly world: World) {}

  add(repo: RepoRecord, seed: PullSeed): PullRecord {
    const now = this.world.now();
    const git = this.world.git;
    const headSha = seed.head.sha ?? git.branchHead(repo, seed.head.ref);
    if (!headSha) throw new Error(`pull request head ${seed.head.ref} has no sha and no such branch in the fake`);
    const baseRef = seed.base?.ref ?? repo.default_branch;
    const merged = seed.merged ?? false;
    const pull: PullRecord = {
      id: this.world.nextId(),
      number: this.world.issues.allocateNumber(repo, seed.number),
      title: seed.title ?? `Change ${seed.head.ref}`,
      body: seed.body ?? null,
      state: seed.state ?? (merged ? 'closed' : 'open'),
      head: { ref: seed.head.ref, sha: headSha },
      base: { ref: baseRef, sha: seed.base?.sha ?? git.branchHead(repo, baseRef) ?? headSha },
      merged,
      merge_commit_sha: seed.merge_commit_sha ?? null,
      merged_at: merged ? now : null,
      draft: seed.draft ?? false,
      user: seed.user ?? { login: 'octocat', id: 583231, type: 'User' },
      created_at: now,
      updated_at: now,
      closed_at: merged || seed.state === 'closed' ? now : null,
    };
    let pulls = this.byRepo.get(repo.id);
    if (!pulls) this.byRepo.set(repo.id, (pulls = new Map()));
    pulls.set(pull.number, pull);
    return pull;
  }

  list(repo: RepoRecord): PullRecord[] {
    return [...(this.byRepo.get(repo.id)?.values() ?? [])];
  }

  get(repo: RepoRecord, number: number): PullRecord | undefined {
    return this.byRepo.get(repo.id)?.get(number);
  }
}

export function pullJson(world: World, repo: RepoRecord, pull: PullRecord): Record<string, unknown> {
  const api = `${world.urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${world.urls.web}/${repo.owner}/${repo.name}/pull/${pull.number}`;
  const user = userJson(world, pull.user);
  const side = (s: { ref: string; sha: string }) => ({
    label: `${repo.owner}:${s.ref}`,
    ref: s.ref,
    sha: s.sha,
    user: userJson(world, orgActor(repo.owner)),
    repo: repoJson(world, repo, 'minimal'),
  });
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.head.sha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user,
    body: pull.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head),
    base: side(pull.base),
    _links: {
      self: link(`${api}/pulls/${pull.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/${pull.head.sha}`),
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: pull.merged ? null : true,
    rebaseable: pull.merged ? null : true,
    mergeable_state: pull.merged ? 'unknown' : 'clean',
    merged_by: pull.merged ? user : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** List endpoints use the `pull-request-simple` shape: the full one minus the counters. */
const SIMPLE_OMITS = ['merged', 'mergeable', 'rebaseable', 'mergeable_state', 'merged_by', 'comments', 'review_comments', 'maintainer_can_modify', 'commits', 'additions', 'deletions', 'changed_files'];

function pullSimpleJson(world: World, repo: RepoRecord, pull: PullRecord): Record<string, unknown> {
  const json = pullJson(world, repo, pull);
  for (const field of SIMPLE_OMITS) delete json[field];
  return json;
}

export function pullRoutes(router: Router, world: World): void {
  const { repos, pulls } = world;
  const repoOf = (req: FakeRequest) => repos.require(req.params.owner!, req.params.repo!);

  router.get('/repos/{owner}/{repo}/pulls', (req) => {
    const repo = repoOf(req);
    const state = req.query.state ?? 'open';
    let list = pulls.list(repo).filter((p) => state === 'all' || p.state === state);
    if (req.query.base !== undefined) list = list.filter((p) => p.base.ref === req.query.base);
    if (req.query.head !== undefined) list = list.filter((p) => `${repo.owner}:${p.head.ref}` === req.query.head);
    list.sort((a, b) => b.number - a.number);
    return paginate(req, list, (p) => pullSimpleJson(world, repo, p), { apiBase: world.urls.api });
  });

  router.get('/repos/{owner}/{repo}/pulls/{pull_number}', (req) => {
    const repo = repoOf(req);
    const pull = pulls.get(repo, Number(req.params.pull_number));
    if (!pull) throw notFound();
    return ok(pullJson(world, repo, pull));
  });

  router.get(
    '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
    (req) => {
      const repo = repoOf(req);
      const sha = world.git.resolve(repo, req.params.commit_sha!)?.sha ?? req.params.commit_sha!;
      const list = pulls.list(repo).filter((p) => p.head.sha === sha || p.merge_commit_sha === sha);
      return paginate(req, list, (p) => pullSimpleJson(world, repo, p), { apiBase: world.urls.api });
    },
    ['commit_sha'],
  );
}
