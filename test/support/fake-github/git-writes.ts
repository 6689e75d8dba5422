/**
 * Git data writes over REST, as a client builds a commit without a clone: trees (inline
 * content or existing shas, on top of a base tree), commits over a tree, and refs. Objects go
 * to the GitStore, so what is written reads back through trees, contents, compare and tarball.
 */
import type { CommitRecord, GitMode, Snapshot } from './git-store.js';
import { bodyOf, HttpError, noContent, notFound, ok, unprocessable, type FakeRequest } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { nodeId, type World } from './world.js';

const MODES: ReadonlySet<string> = new Set(['100644', '100755', '040000', '160000', '120000']);
const SHA = /^[0-9a-f]{40}$/;

const repoApi = (world: World, repo: RepoRecord) => `${world.urls.api}/repos/${repo.owner}/${repo.name}`;
const repoWeb = (world: World, repo: RepoRecord) => `${world.urls.web}/${repo.owner}/${repo.name}`;

/** The `git-commit` shape (`/git/commits`), also nested in a contents write's answer. */
export function gitCommitJson(world: World, repo: RepoRecord, commit: CommitRecord): Record<string, unknown> {
  const api = repoApi(world, repo);
  const person = { name: 'Converge Test', email: 'test@example.com', date: commit.date };
  return {
    sha: commit.sha,
    node_id: nodeId('C', parseInt(commit.sha.slice(0, 8), 16)),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${repoWeb(world, repo)}/commit/${commit.sha}`,
    author: person,
    committer: person,
    message: commit.message,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${repoWeb(world, repo)}/commit/${sha}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

function refJson(world: World, repo: RepoRecord, branch: string, sha: string): Record<string, unknown> {
  const api = repoApi(world, repo);
  return {
    ref: `refs/heads/${branch}`,
    node_id: nodeId('REF', parseInt(sha.slice(0, 8), 16)),
    url: `${api}/git/refs/heads/${branch}`,
    object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` },
  };
}

/**
 * `POST /git/trees` semantics on a flattened snapshot: entries overwrite the base's paths,
 * `sha: null` deletes a file or a whole directory, a `040000` entry grafts an existing tree.
 */
function applyEntries(world: World, repo: RepoRecord, base: Snapshot, entries: unknown[]): Snapshot {
  const git = world.git;
  const files = new Map(base.files);
  const modes = new Map(base.modes);
  const removeUnder = (path: string) => {
    for (const p of [...files.keys()]) {
      if (p === path || p.startsWith(`${path}/`)) {
        files.delete(p);
        modes.delete(p);
      }
    }
  };
  for (const raw of entries) {
    const entry = (raw ?? {}) as { path?: unknown; mode?: unknown; type?: unknown; sha?: unknown; content?: unknown };
    const path = typeof entry.path === 'string' ? entry.path.replace(/^\/+|\/+$/g, '') : '';
    const mode = String(entry.mode ?? '');
    if (path === '' || path.split('/').some((part) => part === '' || part === '.' || part === '..')) throw unprocessable(`tree.path ${String(entry.path)} is invalid`);
    if (!MODES.has(mode)) throw unprocessable(`tree.mode ${mode} is invalid`);
    if (entry.content !== undefined && entry.sha !== undefined) throw unprocessable('Must supply either tree.sha or tree.content, not both');
    if (entry.sha === null) {
      removeUnder(path);
      continue;
    }
    if (typeof entry.content === 'string') {
      if (mode === '040000' || mode === '160000') throw unprocessable(`tree.content is only valid for blobs`);
      removeUnder(path);
      files.set(path, git.writeBlob(repo, entry.content));
      if (mode !== '100644') modes.set(path, mode as GitMode);
      continue;
    }
    const sha = typeof entry.sha === 'string' ? entry.sha : '';
    if (mode === '040000') {
      const sub = SHA.test(sha) ? git.flatten(repo, sha) : undefined;
      if (!sub) throw unprocessable(`tree.sha ${sha} is not a valid tree`);
      removeUnder(path);
      for (const [p, s] of sub.files) files.set(`${path}/${p}`, s);
      for (const [p, m] of sub.modes) modes.set(`${path}/${p}`, m);
      continue;
    }
    // A submodule's commit lives elsewhere: any well-formed sha is accepted, as GitHub does.
    if (mode === '160000' ? !SHA.test(sha) : git.blob(repo, sha) === undefined) throw unprocessable(`tree.sha ${sha} is not a valid ${mode === '160000' ? 'commit' : 'blob'}`);
    removeUnder(path);
    files.set(path, sha);
    if (mode !== '100644') modes.set(path, mode as GitMode);
  }
  return { files, modes };
}

/** Direct entries of a tree in the `git-tree` shape. */
function treeJson(world: World, repo: RepoRecord, sha: string): Record<string, unknown> {
  const api = repoApi(world, repo);
  const tree = (world.git.tree(repo, sha) ?? []).map((e) => {
    if (e.type === 'tree') return { path: e.name, mode: e.mode, type: e.type, sha: e.sha, url: `${api}/git/trees/${e.sha}` };
    if (e.type === 'commit') return { path: e.name, mode: e.mode, type: e.type, sha: e.sha };
    const size = Buffer.byteLength(world.git.blob(repo, e.sha) ?? '', 'utf8');
    return { path: e.name, mode: e.mode, type: e.type, sha: e.sha, size, url: `${api}/git/blobs/${e.sha}` };
  });
  return { sha, url: `${api}/git/trees/${sha}`, tree, truncated: false };
}

/** `heads/x` (as the `{ref}` parameter spells it) → `x`; tags and other namespaces are not modelled. */
function branchOf(ref: string): string | undefined {
  return /^heads\/(.+)$/.exec(ref)?.[1];
}

export function gitWriteRoutes(router: Router, world: World): void {
  const { repos, git } = world;
  const writable = (req: FakeRequest) => repos.requireWritable(req.params.owner!, req.params.repo!);

  router.post('/repos/{owner}/{repo}/git/trees', (req) => {
    const repo = writable(req);
    git.requireNotEmpty(repo);
    const body = bodyOf(req);
    let base: Snapshot = { files: new Map(), modes: new Map() };
    if (body.base_tree !== undefined) {
      const found = typeof body.base_tree === 'string' && SHA.test(body.base_tree) ? git.flatten(repo, body.base_tree) : undefined;
      if (!found) throw unprocessable('base_tree is not a valid tree oid');
      base = found;
    }
    const snapshot = applyEntries(world, repo, base, Array.isArray(body.tree) ? body.tree : []);
    return ok(treeJson(world, repo, git.writeTree(repo, snapshot)), 201);
  });

  router.get('/repos/{owner}/{repo}/git/commits/{commit_sha}', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    git.requireNotEmpty(repo);
    const commit = git.commitBySha(repo, req.params.commit_sha!);
    if (!commit) throw notFound();
    return ok(gitCommitJson(world, repo, commit));
  });

  router.post('/repos/{owner}/{repo}/git/commits', (req) => {
    const repo = writable(req);
    git.requireNotEmpty(repo);
    const body = bodyOf(req);
    const tree = String(body.tree ?? '');
    if (!git.tree(repo, tree)) throw unprocessable('Tree SHA does not exist');
    const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
    if (parents.some((sha) => !git.commitBySha(repo, sha))) throw unprocessable('Parent SHA does not exist or is not a commit object');
    const commit = git.createCommit(repo, tree, parents, String(body.message ?? ''));
    return ok(gitCommitJson(world, repo, commit), 201);
  });

  router.post('/repos/{owner}/{repo}/git/refs', (req) => {
    const repo = writable(req);
    git.requireNotEmpty(repo);
    const body = bodyOf(req);
    const ref = String(body.ref ?? '');
    const sha = String(body.sha ?? '');
    if (!/^refs\/.+\/.+/.test(ref)) throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
    const branch = branchOf(ref.slice('refs/'.length));
    if (branch === undefined) throw unprocessable(`the fake models branch refs only (refs/heads/...), not ${ref}`);
    if (!git.commitBySha(repo, sha)) throw unprocessable('Object does not exist');
    if (git.branchHead(repo, branch)) throw unprocessable('Reference already exists');
    git.setBranch(repo, branch, sha);
    world.pulls.syncHead(repo, branch, sha);
    return ok(refJson(world, repo, branch, sha), 201);
  });

  router.patch(
    '/repos/{owner}/{repo}/git/refs/{ref}',
    (req) => {
      const repo = writable(req);
      git.requireNotEmpty(repo);
      const body = bodyOf(req);
      const branch = branchOf(req.params.ref!.replace(/^refs\//, ''));
      const current = branch === undefined ? undefined : git.branchHead(repo, branch);
      if (branch === undefined || !current) throw unprocessable('Reference does not exist');
      const sha = String(body.sha ?? '');
      if (!git.commitBySha(repo, sha)) throw unprocessable('Object does not exist');
      if (body.force !== true && !git.ancestors(repo, sha).includes(current)) throw unprocessable('Update is not a fast forward');
      git.setBranch(repo, branch, sha);
      world.pulls.syncHead(repo, branch, sha);
      return ok(refJson(world, repo, branch, sha));
    },
    ['ref'],
  );

  router.delete(
    '/repos/{owner}/{repo}/git/refs/{ref}',
    (req) => {
      const repo = writable(req);
      git.requireNotEmpty(repo);
      const branch = branchOf(req.params.ref!.replace(/^refs\//, ''));
      if (branch === undefined || !git.deleteBranch(repo, branch)) throw unprocessable('Reference does not exist');
      return noContent();
    },
    ['ref'],
  );
}

/** For other areas: a 409 that is not an empty repository (e.g. a contents sha mismatch). */
export function conflict(message: string): HttpError {
  return new HttpError(409, { message, documentation_url: 'https://docs.github.com/rest', status: '409' });
}
