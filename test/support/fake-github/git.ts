/** Git data over REST: branches, refs, commits, compare, trees, blobs and contents. */
import type { CommitRecord, TreeEntry } from './git-store.js';
import { HttpError, notFound, ok, paginate, type FakeRequest } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { nodeId, type World } from './world.js';

/** The compare API returns at most this many files, as GitHub documents. */
export const COMPARE_FILE_LIMIT = 300;
/** And at most this many commits. */
const COMPARE_COMMIT_LIMIT = 250;
/** Recursive trees stop (with `truncated: true`) at this many entries. */
export const TREE_ENTRY_LIMIT = 100_000;

/** Base64 broken into 60-character lines, the way GitHub returns file and blob content. */
export function githubBase64(content: string): string {
  return (Buffer.from(content, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';
}

const repoApi = (world: World, repo: RepoRecord) => `${world.urls.api}/repos/${repo.owner}/${repo.name}`;
const repoWeb = (world: World, repo: RepoRecord) => `${world.urls.web}/${repo.owner}/${repo.name}`;

function commitJson(world: World, repo: RepoRecord, commit: CommitRecord, withFiles: boolean): Record<string, unknown> {
  const api = repoApi(world, repo);
  const person = { name: 'Converge Test', email: 'test@example.com', date: commit.date };
  const json: Record<string, unknown> = {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: nodeId('C', parseInt(commit.sha.slice(0, 8), 16)),
    html_url: `${repoWeb(world, repo)}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: person,
      committer: person,
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${repoWeb(world, repo)}/commit/${sha}` })),
  };
  if (withFiles) {
    const parent = commit.parents[0] ? world.git.commitBySha(repo, commit.parents[0]) : undefined;
    const files = diffFiles(world, repo, parent?.files ?? new Map(), commit.files, commit.sha);
    const additions = files.reduce((n, f) => n + (f.additions as number), 0);
    const deletions = files.reduce((n, f) => n + (f.deletions as number), 0);
    json.stats = { total: additions + deletions, additions, deletions };
    json.files = files.slice(0, COMPARE_FILE_LIMIT);
  }
  return json;
}

function lineCounts(before: string | undefined, after: string | undefined): { additions: number; deletions: number } {
  const lines = (text: string | undefined) => (text === undefined || text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const old = new Map<string, number>();
  for (const line of lines(before)) old.set(line, (old.get(line) ?? 0) + 1);
  let additions = 0;
  for (const line of lines(after)) {
    const left = old.get(line) ?? 0;
    if (left > 0) old.set(line, left - 1);
    else additions++;
  }
  let deletions = 0;
  for (const n of old.values()) deletions += n;
  return { additions, deletions };
}

/**
 * Changed files between two snapshots, in path order. A removed file whose content equals an
 * added file's is reported as one rename (GitHub also finds similar-content renames; exact
 * ones are what config moves produce).
 */
function diffFiles(world: World, repo: RepoRecord, base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>, headSha: string) {
  const added = [...head.keys()].filter((p) => !base.has(p));
  const removed = [...base.keys()].filter((p) => !head.has(p));
  const modified = [...head.keys()].filter((p) => base.has(p) && base.get(p) !== head.get(p));
  const renames = new Map<string, string>();
  const removedBySha = new Map<string, string[]>();
  for (const path of removed) removedBySha.set(base.get(path)!, [...(removedBySha.get(base.get(path)!) ?? []), path]);
  for (const path of added) {
    const from = removedBySha.get(head.get(path)!)?.shift();
    if (from !== undefined) renames.set(path, from);
  }
  const renamedFrom = new Set(renames.values());
  const api = repoApi(world, repo);
  const web = repoWeb(world, repo);
  const entry = (filename: string, status: string, sha: string, before?: string, after?: string, previous?: string) => {
    const counts = lineCounts(before, after);
    const encoded = filename.split('/').map(encodeURIComponent).join('/');
    return {
      sha,
      filename,
      status,
      additions: counts.additions,
      deletions: counts.deletions,
      changes: counts.additions + counts.deletions,
      blob_url: `${web}/blob/${headSha}/${encoded}`,
      raw_url: `${web}/raw/${headSha}/${encoded}`,
      contents_url: `${api}/contents/${encoded}?ref=${headSha}`,
      ...(previous === undefined ? {} : { previous_filename: previous }),
    };
  };
  const text = (sha: string | undefined) => (sha ? world.git.blob(repo, sha) : undefined);
  const files = [
    ...added.map((p) =>
      renames.has(p) ? entry(p, 'renamed', head.get(p)!, undefined, undefined, renames.get(p)) : entry(p, 'added', head.get(p)!, undefined, text(head.get(p))),
    ),
    ...removed.filter((p) => !renamedFrom.has(p)).map((p) => entry(p, 'removed', base.get(p)!, text(base.get(p)), undefined)),
    ...modified.map((p) => entry(p, 'modified', head.get(p)!, text(base.get(p)), text(head.get(p)))),
  ];
  return files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

/** Entries of a tree; recursive listings put each subtree's entries right after it, like git. */
function treeEntries(world: World, repo: RepoRecord, sha: string, recursive: boolean, prefix = ''): Array<Record<string, unknown>> {
  const api = repoApi(world, repo);
  const out: Array<Record<string, unknown>> = [];
  for (const entry of world.git.tree(repo, sha) ?? []) {
    const path = prefix + entry.name;
    out.push(entryJson(world, repo, entry, path, api));
    if (recursive && entry.type === 'tree') out.push(...treeEntries(world, repo, entry.sha, true, `${path}/`));
  }
  return out;
}

function entryJson(world: World, repo: RepoRecord, entry: TreeEntry, path: string, api: string): Record<string, unknown> {
  if (entry.type === 'tree') return { path, mode: entry.mode, type: 'tree', sha: entry.sha, url: `${api}/git/trees/${entry.sha}` };
  // A submodule's commit lives in another repository: GitHub gives no size or url for it.
  if (entry.type === 'commit') return { path, mode: entry.mode, type: 'commit', sha: entry.sha };
  const size = Buffer.byteLength(world.git.blob(repo, entry.sha) ?? '', 'utf8');
  return { path, mode: entry.mode, type: 'blob', sha: entry.sha, size, url: `${api}/git/blobs/${entry.sha}` };
}

export function contentJson(world: World, repo: RepoRecord, path: string, type: 'file' | 'dir', sha: string, ref: string, withContent: boolean) {
  const api = repoApi(world, repo);
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  const self = `${api}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  const html = `${repoWeb(world, repo)}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${encoded}`;
  const content = type === 'file' ? (world.git.blob(repo, sha) ?? '') : '';
  return {
    type,
    ...(withContent ? { encoding: 'base64', content: githubBase64(content) } : {}),
    size: Buffer.byteLength(content, 'utf8'),
    name: path.split('/').pop() ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === 'file' ? `${world.urls.web.replace('://', '://raw.')}/${repo.owner}/${repo.name}/${ref}/${encoded}` : null,
    _links: { self, git, html },
  };
}

export function gitRoutes(router: Router, world: World): void {
  const { repos, git } = world;
  const repoOf = (req: FakeRequest) => repos.require(req.params.owner!, req.params.repo!);

  router.get(
    '/repos/{owner}/{repo}/branches/{branch}',
    (req) => {
      const repo = repoOf(req);
      const head = git.branchHead(repo, req.params.branch!);
      if (!head) throw notFound();
      const api = repoApi(world, repo);
      return ok({
        name: req.params.branch,
        commit: commitJson(world, repo, git.commitBySha(repo, head)!, false),
        _links: { self: `${api}/branches/${req.params.branch}`, html: `${repoWeb(world, repo)}/tree/${req.params.branch}` },
        protected: false,
        protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
        protection_url: `${api}/branches/${req.params.branch}/protection`,
      });
    },
    ['branch'],
  );

  router.get(
    '/repos/{owner}/{repo}/git/ref/{ref}',
    (req) => {
      const repo = repoOf(req);
      git.requireNotEmpty(repo);
      const branch = /^heads\/(.+)$/.exec(req.params.ref!)?.[1];
      const head = branch === undefined ? undefined : git.branchHead(repo, branch);
      if (!head) throw notFound();
      const api = repoApi(world, repo);
      return ok({
        ref: `refs/${req.params.ref}`,
        node_id: nodeId('REF', parseInt(head.slice(0, 8), 16)),
        url: `${api}/git/refs/${req.params.ref}`,
        object: { type: 'commit', sha: head, url: `${api}/git/commits/${head}` },
      });
    },
    ['ref'],
  );

  // Newest first from `sha` (default: the default branch), as GitHub lists a branch's history.
  router.get('/repos/{owner}/{repo}/commits', (req) => {
    const repo = repoOf(req);
    git.requireNotEmpty(repo);
    const start = git.requireCommit(repo, req.query.sha ?? repo.default_branch);
    const commits = git.ancestors(repo, start.sha).map((sha) => git.commitBySha(repo, sha)!);
    return paginate(req, commits, (commit) => commitJson(world, repo, commit, false), { apiBase: world.urls.api });
  });

  router.get('/repos/{owner}/{repo}/commits/{ref}', (req) => {
    const repo = repoOf(req);
    git.requireNotEmpty(repo);
    return ok(commitJson(world, repo, git.requireCommit(repo, req.params.ref!), true));
  }, ['ref']);

  router.get(
    '/repos/{owner}/{repo}/compare/{basehead}',
    (req) => {
      const repo = repoOf(req);
      const [baseRef, headRef] = req.params.basehead!.split('...');
      if (baseRef === undefined || headRef === undefined) throw notFound();
      const base = git.requireCommit(repo, baseRef);
      const head = git.requireCommit(repo, headRef);
      const mergeBase = git.commitBySha(repo, git.mergeBase(repo, base.sha, head.sha) ?? base.sha) ?? base;
      const fromBase = new Set(git.ancestors(repo, base.sha));
      const fromHead = new Set(git.ancestors(repo, head.sha));
      // Oldest first, as GitHub lists them.
      const ahead = git.ancestors(repo, head.sha).filter((sha) => !fromBase.has(sha)).reverse();
      const behindBy = [...fromBase].filter((sha) => !fromHead.has(sha)).length;
      const status = ahead.length === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
      const web = repoWeb(world, repo);
      const files = diffFiles(world, repo, mergeBase.files, head.files, head.sha);
      return ok({
        url: `${repoApi(world, repo)}/compare/${req.params.basehead}`,
        html_url: `${web}/compare/${req.params.basehead}`,
        permalink_url: `${web}/compare/${repo.owner}:${base.sha.slice(0, 7)}...${repo.owner}:${head.sha.slice(0, 7)}`,
        diff_url: `${web}/compare/${req.params.basehead}.diff`,
        patch_url: `${web}/compare/${req.params.basehead}.patch`,
        base_commit: commitJson(world, repo, base, false),
        merge_base_commit: commitJson(world, repo, mergeBase, false),
        status,
        ahead_by: ahead.length,
        behind_by: behindBy,
        total_commits: ahead.length,
        commits: ahead.slice(0, COMPARE_COMMIT_LIMIT).map((sha) => commitJson(world, repo, git.commitBySha(repo, sha)!, false)),
        files: files.slice(0, COMPARE_FILE_LIMIT),
      });
    },
    ['basehead'],
  );

  router.get(
    '/repos/{owner}/{repo}/git/trees/{tree_sha}',
    (req) => {
      const repo = repoOf(req);
      git.requireNotEmpty(repo);
      // GitHub accepts a tree sha, a commit sha or a branch name here.
      const sha = git.tree(repo, req.params.tree_sha!) ? req.params.tree_sha! : git.resolve(repo, req.params.tree_sha!)?.tree;
      if (!sha) throw notFound();
      const tree = treeEntries(world, repo, sha, req.query.recursive !== undefined);
      return ok({
        sha,
        url: `${repoApi(world, repo)}/git/trees/${sha}`,
        tree: tree.slice(0, TREE_ENTRY_LIMIT),
        truncated: tree.length > TREE_ENTRY_LIMIT,
      });
    },
    ['tree_sha'],
  );

  router.get('/repos/{owner}/{repo}/git/blobs/{file_sha}', (req) => {
    const repo = repoOf(req);
    const content = git.blob(repo, req.params.file_sha!);
    if (content === undefined) throw notFound();
    return ok({
      sha: req.params.file_sha,
      node_id: nodeId('B', parseInt(req.params.file_sha!.slice(0, 8), 16)),
      size: Buffer.byteLength(content, 'utf8'),
      url: `${repoApi(world, repo)}/git/blobs/${req.params.file_sha}`,
      content: githubBase64(content),
      encoding: 'base64',
    });
  });

  router.get(
    '/repos/{owner}/{repo}/contents/{path}',
    (req) => {
      const repo = repoOf(req);
      const ref = req.query.ref ?? repo.default_branch;
      if (git.isEmpty(repo)) throw new HttpError(404, { message: 'This repository is empty.', documentation_url: 'https://docs.github.com/rest', status: '404' });
      const commit = git.resolve(repo, ref);
      if (!commit) throw notFound();
      const path = req.params.path!.replace(/^\/+|\/+$/g, '');
      const fileSha = commit.files.get(path);
      if (fileSha && /\.raw\b/.test(req.headers.accept ?? '')) {
        // `mediaType: { format: 'raw' }`: the file itself instead of JSON.
        return { status: 200, body: Buffer.from(git.blob(repo, fileSha) ?? '', 'utf8'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
      }
      if (fileSha) return ok(contentJson(world, repo, path, 'file', fileSha, ref, true));
      // A directory: list its direct children, directories first resolved from the tree.
      let treeSha: string | undefined = commit.tree;
      for (const part of path === '' ? [] : path.split('/')) {
        treeSha = git.tree(repo, treeSha)?.find((e) => e.name === part && e.type === 'tree')?.sha;
        if (!treeSha) throw notFound();
      }
      const prefix = path === '' ? '' : `${path}/`;
      return ok(
        (git.tree(repo, treeSha) ?? []).map((e) =>
          contentJson(world, repo, prefix + e.name, e.type === 'tree' ? 'dir' : 'file', e.sha, ref, false),
        ),
      );
    },
    ['path'],
  );
}
