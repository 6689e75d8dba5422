/**
 * Issues and their comments. Pull requests live in their own store (GitHub also lists them
 * under /issues; this fake does not), but share the repository's number sequence.
 */
import { bodyOf, HttpError, noContent, notFound, ok, paginate, validationFailed, type FakeRequest } from './http.js';
import { labelJson } from './labels.js';
import type { RepoRecord } from './repos.js';
import type { ReactionRecord } from './reactions.js';
import type { Router } from './router.js';
import { nodeId, userJson, type Actor, type World } from './world.js';

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;
  /** Lower-cased label names; rendered from the label store, so deleted labels drop out. */
  labels: string[];
  assignees: string[];
  user: Actor;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface CommentRecord {
  id: number;
  issue: number;
  body: string;
  /** Null once the author's account is deleted, as GitHub answers. */
  user: Actor | null;
  created_at: string;
  updated_at: string;
  /** In the order they were added (see reactions.ts). */
  reactions: ReactionRecord[];
}

export type IssueSeed = Partial<Omit<IssueRecord, 'id' | 'labels' | 'user'>> & { title: string; labels?: string[]; user?: Actor };

interface RepoIssues {
  issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>;
  lastNumber: number;
}

export class IssueStore {
  private readonly byRepo = new Map<number, RepoIssues>();

  constructor(private readonly world: World) {}

  private of(repo: RepoRecord): RepoIssues {
    let data = this.byRepo.get(repo.id);
    if (!data) this.byRepo.set(repo.id, (data = { issues: new Map(), comments: new Map(), lastNumber: 0 }));
    return data;
  }

  /** Issues and pull requests share one number sequence per repository. */
  allocateNumber(repo: RepoRecord, wanted?: number): number {
    const data = this.of(repo);
    const number = wanted ?? data.lastNumber + 1;
    data.lastNumber = Math.max(data.lastNumber, number);
    return number;
  }

  list(repo: RepoRecord): IssueRecord[] {
    return [...this.of(repo).issues.values()];
  }

  openCount(repo: RepoRecord): number {
    let n = 0;
    for (const issue of this.byRepo.get(repo.id)?.issues.values() ?? []) if (issue.state === 'open') n++;
    return n;
  }

  get(repo: RepoRecord, number: number): IssueRecord | undefined {
    return this.of(repo).issues.get(number);
  }

  require(repo: RepoRecord, number: number): IssueRecord {
    const issue = this.get(repo, number);
    if (!issue) throw notFound();
    return issue;
  }

  add(repo: RepoRecord, seed: IssueSeed): IssueRecord {
    const now = this.world.now();
    const issue: IssueRecord = {
      id: this.world.nextId(),
      number: this.allocateNumber(repo, seed.number),
      body: null,
      state: 'open',
      state_reason: null,
      assignees: [],
      created_at: now,
      updated_at: now,
      closed_at: null,
      ...seed,
      user: seed.user ?? this.world.bot,
      labels: this.labelKeys(repo, seed.labels ?? []),
    };
    this.of(repo).issues.set(issue.number, issue);
    return issue;
  }

  update(repo: RepoRecord, issue: IssueRecord, body: Record<string, unknown>): void {
    if (typeof body.title === 'string' || typeof body.title === 'number') issue.title = String(body.title);
    if (typeof body.body === 'string' || body.body === null) issue.body = body.body;
    if (Array.isArray(body.labels)) issue.labels = this.labelKeys(repo, body.labels);
    if (Array.isArray(body.assignees)) issue.assignees = body.assignees.map(String);
    if (body.state === 'closed' && issue.state === 'open') {
      issue.state = 'closed';
      issue.closed_at = this.world.now();
      issue.state_reason = (body.state_reason as IssueRecord['state_reason']) ?? 'completed';
    } else if (body.state === 'open' && issue.state === 'closed') {
      issue.state = 'open';
      issue.closed_at = null;
      issue.state_reason = 'reopened';
    } else if (typeof body.state_reason === 'string' && issue.state === 'closed') {
      issue.state_reason = body.state_reason as IssueRecord['state_reason'];
    }
    issue.updated_at = this.world.now();
  }

  /** GitHub creates labels named on an issue that the repository does not have yet. */
  private labelKeys(repo: RepoRecord, labels: unknown[]): string[] {
    const names = labels.map((l) => (typeof l === 'object' && l !== null ? String((l as { name?: unknown }).name) : String(l)));
    for (const name of names) if (!this.world.labels.get(repo, name)) this.world.labels.add(repo, { name });
    return [...new Set(names.map((n) => n.toLowerCase()))];
  }

  comments(repo: RepoRecord, number?: number): CommentRecord[] {
    const all = [...this.of(repo).comments.values()];
    return number === undefined ? all : all.filter((c) => c.issue === number);
  }

  comment(repo: RepoRecord, id: number): CommentRecord | undefined {
    return this.of(repo).comments.get(id);
  }

  addComment(repo: RepoRecord, issue: number, body: string, user: Actor | null = this.world.bot): CommentRecord {
    const now = this.world.now();
    const comment: CommentRecord = { id: this.world.nextId(), issue, body, user, created_at: now, updated_at: now, reactions: [] };
    this.of(repo).comments.set(comment.id, comment);
    return comment;
  }

  deleteComment(repo: RepoRecord, id: number): void {
    if (!this.of(repo).comments.delete(id)) throw notFound();
  }
}

export function issueJson(world: World, repo: RepoRecord, issue: IssueRecord): Record<string, unknown> {
  const api = `${world.urls.api}/repos/${repo.owner}/${repo.name}`;
  const labels = issue.labels.flatMap((name) => {
    const label = world.labels.get(repo, name);
    return label ? [labelJson(world, repo, label)] : [];
  });
  const assignees = issue.assignees.map((login) => userJson(world, { login, id: 5000 + login.length, type: 'User' }));
  return {
    id: issue.id,
    node_id: nodeId('I', issue.id),
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `${world.urls.web}/${repo.owner}/${repo.name}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state_reason,
    title: issue.title,
    body: issue.body,
    user: userJson(world, issue.user),
    labels,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: world.issues.comments(repo, issue.number).length,
    closed_at: issue.closed_at,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_by: null,
    author_association: issue.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  };
}

function commentJson(world: World, repo: RepoRecord, comment: CommentRecord): Record<string, unknown> {
  const api = `${world.urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${world.urls.web}/${repo.owner}/${repo.name}/issues/${comment.issue}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issue}`,
    body: comment.body,
    user: comment.user ? userJson(world, comment.user) : null,
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: comment.user === null || comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  };
}

export function issueRoutes(router: Router, world: World): void {
  const { repos, issues } = world;
  const repoOf = (req: FakeRequest) => repos.require(req.params.owner!, req.params.repo!);
  // Pull requests are issues too as far as comments go: GitHub comments on both through /issues.
  const commentable = (repo: RepoRecord, number: number): number => {
    if (issues.get(repo, number) || world.pulls.get(repo, number)) return number;
    return issues.require(repo, number).number;
  };
  const writable = (req: FakeRequest) => repos.requireWritable(req.params.owner!, req.params.repo!);
  const page = { apiBase: world.urls.api };

  router.get('/repos/{owner}/{repo}/issues', (req) => {
    const repo = repoOf(req);
    const state = req.query.state ?? 'open';
    const wanted = (req.query.labels ?? '').split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
    const sort = req.query.sort ?? 'created';
    let list = issues.list(repo).filter((i) => state === 'all' || i.state === state);
    if (wanted.length > 0) list = list.filter((i) => wanted.every((l) => i.labels.includes(l)));
    if (req.query.creator !== undefined) list = list.filter((i) => i.user.login === req.query.creator);
    if (req.query.since !== undefined) list = list.filter((i) => i.updated_at >= req.query.since!);
    const key = (i: IssueRecord) => (sort === 'updated' ? i.updated_at : sort === 'comments' ? String(issues.comments(repo, i.number).length).padStart(8, '0') : i.created_at);
    list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
    if ((req.query.direction ?? 'desc') === 'desc') list.reverse();
    return paginate(req, list, (i) => issueJson(world, repo, i), page);
  });

  router.post('/repos/{owner}/{repo}/issues', (req) => {
    const repo = writable(req);
    if (!repo.has_issues) throw new HttpError(410, { message: 'Issues are disabled for this repo', status: '410' });
    const body = bodyOf(req);
    if (body.title === undefined) throw validationFailed('Issue', 'missing_field', 'title');
    const issue = issues.add(repo, {
      title: String(body.title),
      body: typeof body.body === 'string' ? body.body : null,
      labels: Array.isArray(body.labels) ? body.labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name))) : [],
      assignees: Array.isArray(body.assignees) ? body.assignees.map(String) : [],
    });
    return ok(issueJson(world, repo, issue), 201);
  });

  router.get('/repos/{owner}/{repo}/issues/{issue_number}', (req) => {
    const repo = repoOf(req);
    return ok(issueJson(world, repo, issues.require(repo, Number(req.params.issue_number))));
  });

  router.patch('/repos/{owner}/{repo}/issues/{issue_number}', (req) => {
    const repo = writable(req);
    const issue = issues.require(repo, Number(req.params.issue_number));
    issues.update(repo, issue, bodyOf(req));
    return ok(issueJson(world, repo, issue));
  });

  router.get('/repos/{owner}/{repo}/issues/{issue_number}/comments', (req) => {
    const repo = repoOf(req);
    const number = commentable(repo, Number(req.params.issue_number));
    let list = issues.comments(repo, number);
    if (req.query.since !== undefined) list = list.filter((c) => c.updated_at >= req.query.since!);
    return paginate(req, list, (c) => commentJson(world, repo, c), page);
  });

  router.post('/repos/{owner}/{repo}/issues/{issue_number}/comments', (req) => {
    const repo = writable(req);
    const number = commentable(repo, Number(req.params.issue_number));
    const comment = issues.addComment(repo, number, String(bodyOf(req).body ?? ''));
    const issue = issues.get(repo, number);
    if (issue) issue.updated_at = world.now();
    return ok(commentJson(world, repo, comment), 201);
  });

  router.get('/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
    const repo = repoOf(req);
    const comment = issues.comment(repo, Number(req.params.comment_id));
    if (!comment) throw notFound();
    return ok(commentJson(world, repo, comment));
  });

  router.patch('/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
    const repo = writable(req);
    const comment = issues.comment(repo, Number(req.params.comment_id));
    if (!comment) throw notFound();
    comment.body = String(bodyOf(req).body ?? comment.body);
    comment.updated_at = world.now();
    return ok(commentJson(world, repo, comment));
  });

  router.delete('/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
    issues.deleteComment(writable(req), Number(req.params.comment_id));
    return noContent();
  });
}
