/**
 * Git data per repository: blobs, trees and commits with the object ids git itself would
 * compute, so SHAs the app sees (tree entries, blob reads, compare files) are consistent
 * with each other and with what a local `git hash-object` would say.
 */
import { createHash } from 'node:crypto';
import { HttpError, notFound } from './http.js';
import type { RepoRecord } from './repos.js';
import type { World } from './world.js';

/** Git's file modes as the REST API spells them: file, executable, directory, submodule, symlink. */
export type GitMode = '100644' | '100755' | '040000' | '160000' | '120000';

export interface TreeEntry {
  /** Name within its directory. */
  name: string;
  mode: GitMode;
  /** `commit` is a submodule: its sha names a commit in another repository. */
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

/** A tree flattened to its leaves: path → sha, plus the modes that are not `100644`. */
export interface Snapshot {
  files: Map<string, string>;
  modes: Map<string, GitMode>;
}

export interface CommitRecord {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  date: string;
  /** Flattened snapshot: file path → blob sha (a submodule's commit sha for mode 160000). */
  files: ReadonlyMap<string, string>;
  /** Paths whose mode is not `100644` (executables, symlinks, submodules). */
  modes: ReadonlyMap<string, GitMode>;
}

interface RepoGit {
  blobs: Map<string, string>;
  trees: Map<string, TreeEntry[]>;
  commits: Map<string, CommitRecord>;
  branches: Map<string, string>;
}

export interface CommitOptions {
  branch?: string;
  message?: string;
  /** Parent commit or branch when `branch` does not exist yet (default: the default branch). */
  from?: string;
}

export function gitHash(type: 'blob' | 'tree' | 'commit', content: Buffer): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

export const blobSha = (content: string): string => gitHash('blob', Buffer.from(content, 'utf8'));

/** Git orders tree entries by name, comparing a directory as if its name ended in '/'. */
function entryKey(entry: TreeEntry): string {
  return entry.type === 'tree' ? `${entry.name}/` : entry.name;
}

const SHA = /^[0-9a-f]{40}$/;

const typeOf = (mode: GitMode): TreeEntry['type'] => (mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob');

export class GitStore {
  private readonly byRepo = new Map<number, RepoGit>();

  constructor(private readonly world: World) {}

  private gitOf(repo: RepoRecord): RepoGit {
    let git = this.byRepo.get(repo.id);
    if (!git) this.byRepo.set(repo.id, (git = { blobs: new Map(), trees: new Map(), commits: new Map(), branches: new Map() }));
    return git;
  }

  hasCommits(repo: RepoRecord): boolean {
    return (this.byRepo.get(repo.id)?.commits.size ?? 0) > 0;
  }

  branchHead(repo: RepoRecord, branch: string): string | undefined {
    return this.byRepo.get(repo.id)?.branches.get(branch);
  }

  branches(repo: RepoRecord): Map<string, string> {
    return this.gitOf(repo).branches;
  }

  /** Applies `changes` (null deletes) to the branch's snapshot and moves the branch. */
  commit(repo: RepoRecord, changes: Record<string, string | null>, options: CommitOptions = {}): string {
    const git = this.gitOf(repo);
    const branch = options.branch ?? repo.default_branch;
    const parentSha = git.branches.get(branch) ?? (options.from ? this.resolve(repo, options.from)?.sha : git.branches.get(repo.default_branch));
    const parent = parentSha ? git.commits.get(parentSha) : undefined;
    const files = new Map(parent?.files ?? []);
    const modes = new Map(parent?.modes ?? []);
    for (const [path, content] of Object.entries(changes)) {
      const clean = path.replace(/^\/+/, '');
      modes.delete(clean);
      if (content === null) files.delete(clean);
      else files.set(clean, this.writeBlob(repo, content));
    }
    return this.writeCommit(repo, { files, modes }, parent ? [parent.sha] : [], branch, options.message ?? 'Update files');
  }

  /** Replaces the branch's whole snapshot. */
  setFiles(repo: RepoRecord, snapshot: Record<string, string>, options: CommitOptions = {}): string {
    const git = this.gitOf(repo);
    const branch = options.branch ?? repo.default_branch;
    const parentSha = git.branches.get(branch) ?? (options.from ? this.resolve(repo, options.from)?.sha : undefined);
    const files = new Map<string, string>();
    for (const [path, content] of Object.entries(snapshot)) files.set(path.replace(/^\/+/, ''), this.writeBlob(repo, content));
    return this.writeCommit(repo, { files, modes: new Map() }, parentSha ? [parentSha] : [], branch, options.message ?? 'Replace files');
  }

  writeBlob(repo: RepoRecord, content: string): string {
    const sha = blobSha(content);
    this.gitOf(repo).blobs.set(sha, content);
    return sha;
  }

  private writeCommit(repo: RepoRecord, snapshot: Snapshot, parents: string[], branch: string, message: string): string {
    const commit = this.createCommit(repo, this.writeTree(repo, snapshot), parents, message);
    this.setBranch(repo, branch, commit.sha, commit.date);
    return commit.sha;
  }

  /**
   * A commit object over an existing tree, as `POST /git/commits` makes one: no branch moves.
   * Callers check that the tree and parents exist.
   */
  createCommit(repo: RepoRecord, tree: string, parents: string[], message: string): CommitRecord {
    const git = this.gitOf(repo);
    const { files, modes } = this.flatten(repo, tree) ?? { files: new Map(), modes: new Map() };
    const date = this.world.now();
    const epoch = Date.parse(date) / 1000;
    const author = `Converge Test <test@example.com> ${epoch} +0000`;
    const text = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`), `author ${author}`, `committer ${author}`, '', message, ''].join('\n');
    const sha = gitHash('commit', Buffer.from(text, 'utf8'));
    const commit: CommitRecord = { sha, tree, parents, message, date, files, modes };
    git.commits.set(sha, commit);
    return commit;
  }

  /** Points a branch at a commit (creating the branch), as a push would. */
  setBranch(repo: RepoRecord, branch: string, sha: string, date: string = this.world.now()): void {
    this.gitOf(repo).branches.set(branch, sha);
    repo.pushed_at = date;
  }

  deleteBranch(repo: RepoRecord, branch: string): boolean {
    return this.gitOf(repo).branches.delete(branch);
  }

  /** No commit yet: GitHub answers most Git data routes with 409 then. */
  isEmpty(repo: RepoRecord): boolean {
    return !this.hasCommits(repo);
  }

  requireNotEmpty(repo: RepoRecord): void {
    if (this.isEmpty(repo)) throw new HttpError(409, { message: 'Git Repository is empty.', documentation_url: 'https://docs.github.com/rest', status: '409' });
  }

  /** A tree's leaves (blobs and submodules) by full path; undefined when the tree is unknown. */
  flatten(repo: RepoRecord, treeSha: string): Snapshot | undefined {
    const git = this.byRepo.get(repo.id);
    if (!git?.trees.has(treeSha)) return undefined;
    const out: Snapshot = { files: new Map(), modes: new Map() };
    const walk = (sha: string, prefix: string) => {
      for (const entry of git.trees.get(sha) ?? []) {
        const path = prefix + entry.name;
        if (entry.type === 'tree') walk(entry.sha, `${path}/`);
        else {
          out.files.set(path, entry.sha);
          if (entry.mode !== '100644') out.modes.set(path, entry.mode);
        }
      }
    };
    walk(treeSha, '');
    return out;
  }

  /** Builds nested tree objects bottom-up and returns the root tree's sha. */
  writeTree(repo: RepoRecord, snapshot: Snapshot): string {
    const git = this.gitOf(repo);
    const { files, modes } = snapshot;
    interface Dir {
      files: Map<string, { sha: string; mode: GitMode }>;
      dirs: Map<string, Dir>;
    }
    const root: Dir = { files: new Map(), dirs: new Map() };
    for (const [path, sha] of files) {
      const parts = path.split('/');
      let dir = root;
      for (const part of parts.slice(0, -1)) {
        let next = dir.dirs.get(part);
        if (!next) dir.dirs.set(part, (next = { files: new Map(), dirs: new Map() }));
        dir = next;
      }
      dir.files.set(parts[parts.length - 1]!, { sha, mode: modes.get(path) ?? '100644' });
    }
    const write = (dir: Dir): string => {
      const entries: TreeEntry[] = [
        ...[...dir.files].map(([name, { sha, mode }]) => ({ name, mode, type: typeOf(mode), sha })),
        ...[...dir.dirs].map(([name, sub]) => ({ name, mode: '040000' as const, type: 'tree' as const, sha: write(sub) })),
      ].sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : 1));
      const body = Buffer.concat(
        entries.map((e) => Buffer.concat([Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')])),
      );
      const sha = gitHash('tree', body);
      git.trees.set(sha, entries);
      return sha;
    };
    return write(root);
  }

  /**
   * A commit by full or abbreviated sha, branch name, `heads/x` or `refs/heads/x`, as the
   * REST API accepts them; undefined when nothing matches.
   */
  resolve(repo: RepoRecord, ref: string): CommitRecord | undefined {
    const git = this.byRepo.get(repo.id);
    if (!git) return undefined;
    if (SHA.test(ref)) return git.commits.get(ref);
    const branch = ref.replace(/^refs\//, '').replace(/^heads\//, '');
    const head = git.branches.get(branch);
    if (head) return git.commits.get(head);
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const found = [...git.commits.keys()].filter((sha) => sha.startsWith(ref));
      if (found.length === 1) return git.commits.get(found[0]!);
    }
    return undefined;
  }

  requireCommit(repo: RepoRecord, ref: string): CommitRecord {
    const commit = this.resolve(repo, ref);
    if (!commit) throw notFound();
    return commit;
  }

  commitBySha(repo: RepoRecord, sha: string): CommitRecord | undefined {
    return this.byRepo.get(repo.id)?.commits.get(sha);
  }

  tree(repo: RepoRecord, sha: string): TreeEntry[] | undefined {
    return this.byRepo.get(repo.id)?.trees.get(sha);
  }

  blob(repo: RepoRecord, sha: string): string | undefined {
    return this.byRepo.get(repo.id)?.blobs.get(sha);
  }

  /** Commits reachable from `sha` (inclusive), nearest first. */
  ancestors(repo: RepoRecord, sha: string): string[] {
    const git = this.gitOf(repo);
    const seen = new Set<string>();
    const queue = [sha];
    for (let i = 0; i < queue.length; i++) {
      const current = queue[i]!;
      if (seen.has(current)) continue;
      seen.add(current);
      queue.push(...(git.commits.get(current)?.parents ?? []));
    }
    return [...seen];
  }

  mergeBase(repo: RepoRecord, a: string, b: string): string | undefined {
    const fromA = new Set(this.ancestors(repo, a));
    return this.ancestors(repo, b).find((sha) => fromA.has(sha));
  }
}
