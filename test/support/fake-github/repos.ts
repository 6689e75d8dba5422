/** Repositories: the store, GitHub's repository JSON, and the REST routes. */
import { bodyOf, HttpError, noContent, notFound, ok, paginate, validationFailed } from './http.js';
import type { Router } from './router.js';
import { repoJson } from './repo-json.js';
import { nodeId, type World } from './world.js';

/** The settings GitHub lets you PATCH, with GitHub's defaults for a new repository. */
export const REPO_DEFAULTS = {
  private: false,
  visibility: 'public' as 'public' | 'private' | 'internal',
  description: null as string | null,
  homepage: null as string | null,
  topics: [] as string[],
  has_issues: true,
  has_projects: true,
  has_wiki: true,
  has_discussions: false,
  has_downloads: true,
  is_template: false,
  allow_merge_commit: true,
  allow_squash_merge: true,
  allow_rebase_merge: true,
  allow_auto_merge: false,
  allow_update_branch: false,
  allow_forking: true,
  delete_branch_on_merge: false,
  use_squash_pr_title_as_default: false,
  squash_merge_commit_title: 'COMMIT_OR_PR_TITLE' as string,
  squash_merge_commit_message: 'COMMIT_MESSAGES' as string,
  merge_commit_title: 'MERGE_MESSAGE' as string,
  merge_commit_message: 'PR_TITLE' as string,
  web_commit_signoff_required: false,
  archived: false,
  default_branch: 'main',
};

export type RepoSettings = typeof REPO_DEFAULTS;

export interface RepoRecord extends RepoSettings {
  id: number;
  node_id: string;
  owner: string;
  name: string;
  created_at: string;
  updated_at: string;
  pushed_at: string;
}

export type RepoSeed = Partial<RepoSettings> & { name: string; owner?: string; id?: number };

const key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();

export class RepoStore {
  private readonly byName = new Map<string, RepoRecord>();
  private readonly byId = new Map<number, RepoRecord>();
  /** Per owner, in creation order; list endpoints sort a copy. */
  private readonly byOwner = new Map<string, RepoRecord[]>();
  /** Old `owner/name` → id, so renamed repositories redirect like on GitHub. */
  private readonly redirects = new Map<string, number>();

  constructor(private readonly world: World) {}

  add(seed: RepoSeed): RepoRecord {
    const owner = seed.owner ?? this.world.org;
    if (this.byName.has(key(owner, seed.name))) throw new Error(`repository ${owner}/${seed.name} already exists`);
    const now = this.world.now();
    const { owner: _owner, ...settings } = seed;
    const record: RepoRecord = {
      ...REPO_DEFAULTS,
      ...settings,
      topics: [...(seed.topics ?? [])],
      id: seed.id ?? this.world.nextId(),
      node_id: '',
      owner,
      created_at: now,
      updated_at: now,
      pushed_at: now,
    };
    record.node_id = nodeId('R', record.id);
    syncVisibility(record, seed);
    this.byName.set(key(owner, record.name), record);
    this.byId.set(record.id, record);
    this.redirects.delete(key(owner, record.name));
    let list = this.byOwner.get(owner.toLowerCase());
    if (!list) this.byOwner.set(owner.toLowerCase(), (list = []));
    list.push(record);
    return record;
  }

  get(owner: string, name: string): RepoRecord | undefined {
    return this.byName.get(key(owner, name));
  }

  getById(id: number): RepoRecord | undefined {
    return this.byId.get(id);
  }

  /** The repository, or GitHub's 404. */
  require(owner: string, name: string): RepoRecord {
    const repo = this.get(owner, name);
    if (!repo) throw notFound();
    return repo;
  }

  /** Writes to an archived repository are refused, as on GitHub. */
  requireWritable(owner: string, name: string): RepoRecord {
    const repo = this.require(owner, name);
    if (repo.archived) throw new HttpError(403, { message: 'Repository was archived so is read-only.', status: '403' });
    return repo;
  }

  /** Test-side lookup: `name` (in the default org) or `owner/name`; throws on a typo. */
  resolve(ref: string | RepoRecord): RepoRecord {
    if (typeof ref !== 'string') return ref;
    const [owner, name] = ref.includes('/') ? (ref.split('/') as [string, string]) : [this.world.org, ref];
    const repo = this.get(owner, name);
    if (!repo) throw new Error(`the fake has no repository ${owner}/${name}`);
    return repo;
  }

  redirectFor(owner: string, name: string): number | undefined {
    return this.redirects.get(key(owner, name));
  }

  list(owner: string): readonly RepoRecord[] {
    return this.byOwner.get(owner.toLowerCase()) ?? [];
  }

  /** The fake's org, or any owner that has repositories. */
  isOrg(login: string): boolean {
    return login.toLowerCase() === this.world.org.toLowerCase() || this.list(login).length > 0;
  }

  rename(repo: RepoRecord, name: string): void {
    if (name === repo.name) return;
    const taken = this.get(repo.owner, name);
    if (taken && taken !== repo) {
      throw validationFailed('Repository', 'custom', 'name', 'name already exists on this account');
    }
    this.byName.delete(key(repo.owner, repo.name));
    this.redirects.set(key(repo.owner, repo.name), repo.id);
    repo.name = name;
    this.byName.set(key(repo.owner, name), repo);
    this.redirects.delete(key(repo.owner, name));
  }

  delete(repo: RepoRecord): void {
    this.byName.delete(key(repo.owner, repo.name));
    this.byId.delete(repo.id);
    const list = this.byOwner.get(repo.owner.toLowerCase()) ?? [];
    list.splice(list.indexOf(repo), 1);
    for (const [old, id] of this.redirects) if (id === repo.id) this.redirects.delete(old);
  }
}

/** `private` and `visibility` are two views of one setting; whichever was given wins. */
function syncVisibility(repo: RepoRecord, change: { private?: unknown; visibility?: unknown }): void {
  if (typeof change.visibility === 'string') repo.private = change.visibility !== 'public';
  else if (typeof change.private === 'boolean') repo.visibility = change.private ? 'private' : 'public';
}

/** Settings a PATCH or create may carry, copied onto the record when present. */
const WRITABLE = Object.keys(REPO_DEFAULTS).filter((k) => k !== 'topics') as Array<keyof RepoSettings>;

function applySettings(world: World, repo: RepoRecord, body: Record<string, unknown>): void {
  for (const field of WRITABLE) {
    if (body[field] !== undefined) (repo as unknown as Record<string, unknown>)[field] = body[field];
  }
  syncVisibility(repo, body);
  repo.updated_at = world.now();
}

const TOPIC = /^[a-z0-9][a-z0-9-]{0,49}$/;

export function repoRoutes(router: Router, world: World): void {
  const { repos } = world;
  const sortKey: Record<string, (r: RepoRecord) => string | number> = {
    created: (r) => r.created_at,
    updated: (r) => r.updated_at,
    pushed: (r) => r.pushed_at,
    full_name: (r) => `${r.owner}/${r.name}`.toLowerCase(),
  };

  router.get('/orgs/{org}/repos', (req) => {
    const type = req.query.type ?? 'all';
    const sort = req.query.sort ?? 'created';
    // GitHub: "Default: asc when using full_name, otherwise desc".
    const direction = req.query.direction ?? (sort === 'full_name' ? 'asc' : 'desc');
    const by = sortKey[sort] ?? sortKey.created!;
    if (!repos.isOrg(req.params.org!)) throw notFound();
    let list = [...repos.list(req.params.org!)];
    if (type === 'public') list = list.filter((r) => r.visibility === 'public');
    else if (type === 'private') list = list.filter((r) => r.private);
    else if (type === 'forks') list = [];
    list.sort((a, b) => compare(by(a), by(b)) || a.id - b.id);
    if (direction === 'desc') list.reverse();
    return paginate(req, list, (r) => repoJson(world, r, 'minimal'), { apiBase: world.urls.api });
  });

  router.post('/orgs/{org}/repos', (req) => {
    const body = bodyOf(req);
    const name = String(body.name ?? '');
    if (repos.get(req.params.org!, name)) {
      throw new HttpError(422, {
        message: 'Repository creation failed.',
        errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }],
        status: '422',
      });
    }
    const repo = repos.add({ name, owner: req.params.org! });
    applySettings(world, repo, body);
    if (body.auto_init === true) world.git.commit(repo, { 'README.md': `# ${name}\n` }, { message: 'Initial commit' });
    return ok(repoJson(world, repo), 201);
  });

  router.get('/repos/{owner}/{repo}', (req) => ok(repoJson(world, repos.require(req.params.owner!, req.params.repo!))));

  router.patch('/repos/{owner}/{repo}', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    const body = bodyOf(req);
    if (repo.archived && body.archived !== false) {
      throw new HttpError(403, { message: 'Repository was archived so is read-only.', status: '403' });
    }
    if (typeof body.default_branch === 'string' && world.git.hasCommits(repo) && !world.git.branchHead(repo, body.default_branch)) {
      throw validationFailed('Repository', 'invalid', 'default_branch', `The branch ${body.default_branch} was not found.`);
    }
    if (typeof body.name === 'string') repos.rename(repo, body.name);
    applySettings(world, repo, body);
    return ok(repoJson(world, repo));
  });

  router.delete('/repos/{owner}/{repo}', (req) => {
    repos.delete(repos.require(req.params.owner!, req.params.repo!));
    return noContent();
  });

  router.get('/repos/{owner}/{repo}/topics', (req) => ok({ names: [...repos.require(req.params.owner!, req.params.repo!).topics] }));

  router.put('/repos/{owner}/{repo}/topics', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const names = (Array.isArray(bodyOf(req).names) ? (bodyOf(req).names as unknown[]) : []).map((n) => String(n).toLowerCase());
    const invalid = names.find((n) => !TOPIC.test(n));
    if (invalid !== undefined || names.length > 20) {
      throw validationFailed('Repository', 'invalid', 'topics', invalid === undefined ? 'Too many topics' : `"${invalid}" is not a valid topic`);
    }
    repo.topics = [...new Set(names)];
    repo.updated_at = world.now();
    return ok({ names: [...repo.topics] });
  });
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
