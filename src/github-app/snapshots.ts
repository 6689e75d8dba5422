/**
 * The config repo at the commits a job needs, for as few requests as can be. A snapshot is
 * kept by its root tree's sha, which names its content, so a kept one is never stale; a
 * head that changes a few files of a known base is built from that base and those files
 * alone; and what changed between two snapshots is read from the snapshots themselves.
 */
import type { Logger } from 'pino';
import { MAX_FILE_BYTES, MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_FILES } from '../config/limits.js';
import type { ConfigFiles } from '../config/load.js';
import type { GitHubClient, RepoRef } from './client.js';
import type { CommitRef, ComparedFile } from './compare.js';
import { statusOf } from './errors.js';
import { fetchSnapshot } from './snapshot.js';

/** Snapshots by root tree sha, shared by the worker processes. */
export interface SnapshotCache {
  has(ref: RepoRef, tree: string): Promise<boolean>;
  get(ref: RepoRef, tree: string): Promise<ConfigFiles | undefined>;
  set(ref: RepoRef, tree: string, files: ConfigFiles): Promise<void>;
}

export interface SnapshotSource {
  client: GitHubClient;
  ref: RepoRef;
  cache?: SnapshotCache | undefined;
  log: Logger;
}

/** A head changing at most this many files of a known base is fetched file by file, not as a tarball. */
export const DELTA_FILE_LIMIT = 10;

/** The cache only speeds things up: a cache that fails is a miss, never a failed job. */
async function cached(source: SnapshotSource, commit: CommitRef): Promise<ConfigFiles | undefined> {
  if (!source.cache || !commit.tree) return undefined;
  try {
    return await source.cache.get(source.ref, commit.tree);
  } catch (error) {
    source.log.warn({ err: error, tree: commit.tree }, 'could not read the snapshot cache');
    return undefined;
  }
}

async function keep(source: SnapshotSource, commit: CommitRef, files: ConfigFiles): Promise<ConfigFiles> {
  if (!source.cache || !commit.tree) return files;
  try {
    await source.cache.set(source.ref, commit.tree, files);
  } catch (error) {
    source.log.warn({ err: error, tree: commit.tree }, 'could not write the snapshot cache');
  }
  return files;
}

/** The whole config repo at one commit: from the cache, else its tarball (then kept). */
export async function snapshotAt(source: SnapshotSource, commit: CommitRef): Promise<ConfigFiles> {
  return (await cached(source, commit)) ?? keep(source, commit, await fetchSnapshot(source.client, source.ref, commit.sha));
}

/**
 * One changed file at head as the tarball would hold it, or undefined when only the tarball
 * can say (a file too large or not text, whose problem the tarball reports).
 */
async function fileAt(source: SnapshotSource, sha: string, path: string): Promise<{ text: string | undefined } | undefined> {
  const { owner, repo } = source.ref;
  const { data } = await source.client.rest.repos.getContent({ owner, repo, path, ref: sha });
  if (Array.isArray(data)) return undefined;
  // A symlink or a submodule: the tarball holds regular files only.
  if (data.type !== 'file') return { text: undefined };
  if (data.size > MAX_FILE_BYTES || !('content' in data) || data.encoding !== 'base64') return undefined;
  const bytes = Buffer.from(data.content, 'base64');
  if (bytes.length !== data.size) return undefined;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return undefined;
  }
}

/**
 * Head as `files` (the compare API's list from base to head) change base, fetched file by
 * file; undefined when only the tarball gives the same snapshot (a base with problems, a
 * changed file that is not plain text within the limits, a snapshot past its limits).
 */
async function applyDelta(source: SnapshotSource, base: ConfigFiles, sha: string, files: readonly ComparedFile[]): Promise<ConfigFiles | undefined> {
  if ((base.problems?.length ?? 0) > 0) return undefined;
  const head = new Map(base);
  const wanted: string[] = [];
  for (const file of files) {
    if (file.previous_filename) head.delete(file.previous_filename);
    if (file.status === 'removed') head.delete(file.filename);
    else if (file.status !== 'unchanged') wanted.push(file.filename);
  }
  let fetched: Array<{ path: string; text: string | undefined } | undefined>;
  try {
    fetched = await Promise.all(wanted.map(async (path) => {
      const file = await fileAt(source, sha, path);
      return file && { path, text: file.text };
    }));
  } catch (error) {
    // Gone meanwhile (a force-push): the tarball answers for the commit as it is.
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
  for (const file of fetched) {
    if (!file) return undefined;
    if (file.text === undefined) head.delete(file.path);
    else head.set(file.path, file.text);
  }
  if (head.size > MAX_SNAPSHOT_FILES) return undefined;
  let bytes = 0;
  for (const text of head.values()) bytes += Buffer.byteLength(text, 'utf8');
  return bytes > MAX_SNAPSHOT_BYTES ? undefined : head;
}

/**
 * Paths that differ between two snapshots: added, modified, removed (both sides of a
 * rename), and any file either could not read, since its content is unknown.
 */
export function changedPaths(base: ConfigFiles, head: ConfigFiles): string[] {
  const changed = new Set<string>();
  for (const [path, text] of head) if (base.get(path) !== text) changed.add(path);
  for (const path of base.keys()) if (!head.has(path)) changed.add(path);
  for (const problem of [...(base.problems ?? []), ...(head.problems ?? [])]) changed.add(problem.path);
  return [...changed].sort();
}

export interface SnapshotPair {
  base: ConfigFiles;
  head: ConfigFiles;
  /** What differs from base to head. */
  changed: string[];
}

/**
 * The config repo at base and at head, and what differs. Each comes from the cache when it
 * holds its tree. A head missing from it, whose changes from base the compare API listed in
 * full (`files`, merge base = base) and number at most DELTA_FILE_LIMIT, is built from base
 * and those files; anything else is a tarball. Every snapshot fetched is kept.
 */
export async function snapshotPair(source: SnapshotSource, base: CommitRef, head: CommitRef, files?: readonly ComparedFile[]): Promise<SnapshotPair> {
  const [baseHit, headHit] = await Promise.all([cached(source, base), cached(source, head)]);
  const byDelta = !headHit && files !== undefined && files.length <= DELTA_FILE_LIMIT;
  const tarball = (commit: CommitRef) => fetchSnapshot(source.client, source.ref, commit.sha).then((found) => keep(source, commit, found));
  // Without the delta, both tarballs go at once.
  const [baseFiles, headTarball] = await Promise.all([baseHit ?? tarball(base), headHit || byDelta ? undefined : tarball(head)]);
  let headFiles = headHit ?? headTarball;
  if (!headFiles) {
    const built = await applyDelta(source, baseFiles, head.sha, files!);
    headFiles = built ? await keep(source, head, built) : await tarball(head);
  }
  return { base: baseFiles, head: headFiles, changed: changedPaths(baseFiles, headFiles) };
}
