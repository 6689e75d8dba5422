/** Pull requests: seeded by tests or opened through `POST /pulls`; tests close or merge them. */
import { bodyOf, HttpError, notFound, ok, paginate, type FakeRequest } from './http.js';
import { autoMergeJson } from './automerge.js';
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
  maintainer_can_modify: boolean;
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
  maintainer_can_modify?: boolean;
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
      maintainer_can_modify: seed.maintainer_can_modify ?? false,
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

  /** Open pull requests follow their head branch when it moves, as on GitHub. */
  syncHead(repo: RepoRecord, branch: string, sha: string): void {
    for (const pull of this.list(repo)) if (pull.state === 'open' && pull.head.ref === branch) pull.head.sha = sha;
  }

  close(pull: PullRecord): void {
    const now = this.world.now();
    pull.state = 'closed';
    pull.closed_at = now;
    pull.updated_at = now;
  }

  /** Fast-forwards the base branch to the head commit and marks the pull request merged. */
  merge(repo: RepoRecord, pull: PullRecord): void {
    if (pull.state !== 'open') throw new Error(`pull request #${pull.number} in ${repo.owner}/${repo.name} is not open`);
    this.world.git.setBranch(repo, pull.base.ref, pull.head.sha);
    this.syncHead(repo, pull.base.ref, pull.head.sha);
    this.close(pull);
    pull.merged = true;
    pull.merged_at = pull.closed_at;
    pull.merge_commit_sha = pull.head.sha;
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
    auto_merge: autoMergeJson(world, pull),
    draft: pull.draft,
    merged: pull.merged,
    mergeable: pull.merged ? null : true,
    rebaseable: pull.merged ? null : true,
    mergeable_state: pull.merged ? 'unknown' : 'clean',
    merged_by: pull.merged ? user : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: pull.maintainer_can_modify,
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

  router.post('/repos/{owner}/{repo}/pulls', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const body = bodyOf(req);
    for (const field of ['head', 'base'] as const) {
      if (typeof body[field] !== 'string') throw pullInvalid({ field, code: 'missing_field' });
    }
    // `owner:branch` or just the branch; pull requests from forks are not modelled.
    const head = String(body.head).replace(new RegExp(`^${repo.owner}:`, 'i'), '');
    const base = String(body.base);
    const headSha = world.git.branchHead(repo, head);
    const baseSha = world.git.branchHead(repo, base);
    if (!baseSha) throw pullInvalid({ field: 'base', code: 'invalid' });
    if (!headSha) throw pullInvalid({ field: 'head', code: 'invalid' });
    if (pulls.list(repo).some((p) => p.state === 'open' && p.head.ref === head && p.base.ref === base)) {
      throw pullInvalid({ code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` });
    }
    const baseHistory = new Set(world.git.ancestors(repo, baseSha));
    if (world.git.ancestors(repo, headSha).every((sha) => baseHistory.has(sha))) {
      throw pullInvalid({ code: 'custom', message: `No commits between ${base} and ${head}` });
    }
    const pull = pulls.add(repo, {
      title: String(body.title ?? ''),
      body: typeof body.body === 'string' ? body.body : null,
      head: { ref: head, sha: headSha },
      base: { ref: base, sha: baseSha },
      draft: body.draft === true,
      maintainer_can_modify: body.maintainer_can_modify === true,
      user: world.bot,
    });
    return ok(pullJson(world, repo, pull), 201);
  });

  router.patch('/repos/{owner}/{repo}/pulls/{pull_number}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const pull = pulls.get(repo, Number(req.params.pull_number));
    if (!pull) throw notFound();
    const body = bodyOf(req);
    if (typeof body.base === 'string' && !world.git.branchHead(repo, body.base)) throw pullInvalid({ field: 'base', code: 'invalid' });
    if (body.state === 'open' && pull.state === 'closed') {
      if (pull.merged) throw pullInvalid({ field: 'state', code: 'custom', message: 'state cannot be changed. The pull request has been merged.' });
      const base = typeof body.base === 'string' ? body.base : pull.base.ref;
      if (pulls.list(repo).some((p) => p !== pull && p.state === 'open' && p.head.ref === pull.head.ref && p.base.ref === base)) {
        throw pullInvalid({ code: 'custom', message: `A pull request already exists for ${repo.owner}:${pull.head.ref}.` });
      }
      pull.state = 'open';
      pull.closed_at = null;
      pull.head.sha = world.git.branchHead(repo, pull.head.ref) ?? pull.head.sha;
    } else if (body.state === 'closed' && pull.state === 'open') pulls.close(pull);
    if (typeof body.title === 'string') pull.title = body.title;
    if (body.body !== undefined) pull.body = typeof body.body === 'string' ? body.body : null;
    if (typeof body.base === 'string') pull.base = { ref: body.base, sha: world.git.branchHead(repo, body.base)! };
    if (typeof body.maintainer_can_modify === 'boolean') pull.maintainer_can_modify = body.maintainer_can_modify;
    pull.updated_at = world.now();
    return ok(pullJson(world, repo, pull));
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

/** GitHub's 422 for a pull request it will not open or change. */
function pullInvalid(error: { field?: string; code: string; message?: string }): HttpError {
  return new HttpError(422, {
    message: 'Validation Failed',
    errors: [{ resource: 'PullRequest', ...error }],
    documentation_url: 'https://docs.github.com/rest/pulls/pulls',
    status: '422',
  });
}
