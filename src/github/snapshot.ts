import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ConfigFiles } from '../config/load.js';
import type { GitHubClient } from '../providers/deps.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Files larger than this are not config; they are left out of the snapshot. */
const MAX_FILE_BYTES = 1024 * 1024;

async function untar(gzipped: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        // GitHub wraps the tree in one top-level folder (`owner-repo-sha/`).
        const path = header.name.split('/').slice(1).join('/');
        const size = chunks.reduce((n, c) => n + c.length, 0);
        if (header.type === 'file' && path && size <= MAX_FILE_BYTES) files.set(path, Buffer.concat(chunks).toString('utf8'));
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([gunzipSync(gzipped)]).pipe(extract);
  await done;
  return files;
}

/** The whole config repo at one commit, in one request (the tarball). */
export async function fetchSnapshot(client: GitHubClient, ref: RepoRef, sha: string): Promise<ConfigFiles> {
  const response = await client.rest.repos.downloadTarballArchive({ owner: ref.owner, repo: ref.repo, ref: sha });
  return untar(Buffer.from(response.data as ArrayBuffer));
}

/** GitHub's compare API lists at most this many files; beyond it we compare trees. */
export const COMPARE_FILE_LIMIT = 300;

/**
 * Paths that differ between two commits: added, modified, removed, and both sides of a
 * rename. When the compare API's file list may be truncated, fall back to diffing the two
 * recursive trees, so no changed file is ever dropped.
 */
export interface Comparison {
  /** Changed paths, or `all` when the change is too large to list. */
  paths: string[] | 'all';
  /** The commit the head branched from (for a PR: the merge base with its base branch). */
  mergeBase: string;
}

export async function compareCommits(client: GitHubClient, ref: RepoRef, base: string, head: string): Promise<Comparison> {
  const { data } = await client.rest.repos.compareCommitsWithBasehead({
    owner: ref.owner,
    repo: ref.repo,
    basehead: `${base}...${head}`,
    per_page: 100,
  });
  const files = data.files ?? [];
  if (files.length < COMPARE_FILE_LIMIT) {
    const paths = new Set<string>();
    for (const file of files) {
      paths.add(file.filename);
      if (file.previous_filename) paths.add(file.previous_filename);
    }
    return { paths: [...paths], mergeBase: data.merge_base_commit.sha };
  }
  const [before, after] = await Promise.all([treeBlobs(client, ref, data.merge_base_commit.sha), treeBlobs(client, ref, head)]);
  // A tree too large for one response cannot be diffed: treat every file as changed.
  if (!before || !after) return { paths: 'all', mergeBase: data.merge_base_commit.sha };
  const paths = new Set<string>();
  for (const [path, sha] of after) if (before.get(path) !== sha) paths.add(path);
  for (const path of before.keys()) if (!after.has(path)) paths.add(path);
  return { paths: [...paths], mergeBase: data.merge_base_commit.sha };
}

async function treeBlobs(client: GitHubClient, ref: RepoRef, sha: string): Promise<Map<string, string> | undefined> {
  const { data } = await client.rest.git.getTree({ owner: ref.owner, repo: ref.repo, tree_sha: sha, recursive: 'true' });
  if (data.truncated) return undefined;
  return new Map(data.tree.filter((e) => e.type === 'blob' && e.path && e.sha).map((e) => [e.path!, e.sha!]));
}
