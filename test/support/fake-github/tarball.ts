/**
 * Tarballs: `GET /repos/{o}/{r}/tarball/{ref}` redirects to codeload, which serves a gzipped
 * tar with one top-level folder `{owner}-{repo}-{sha7}/`, preceded (like `git archive`, which
 * GitHub uses) by a pax global header carrying the commit sha.
 */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { CommitRecord } from './git-store.js';
import type { FakeResponse } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import type { World } from './world.js';

/**
 * One 512-byte ustar header block plus data for a pax global header (`g`), which tar-stream
 * can read but not write.
 */
function paxGlobalHeader(sha: string, mtime: number): Buffer {
  const record = (text: string) => {
    // The length prefix counts itself, so settle it by iterating.
    let length = text.length + 3;
    while (`${length} ${text}\n`.length !== length) length = `${length} ${text}\n`.length;
    return `${length} ${text}\n`;
  };
  const data = Buffer.from(record(`comment=${sha}`), 'utf8');
  const header = Buffer.alloc(512, 0);
  const field = (offset: number, size: number, value: string) => header.write(value, offset, size, 'ascii');
  const octal = (offset: number, size: number, value: number) => field(offset, size, value.toString(8).padStart(size - 1, '0') + '\0');
  field(0, 100, 'pax_global_header');
  octal(100, 8, 0o666);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, data.length);
  octal(136, 12, mtime);
  field(148, 8, '        ');
  field(156, 1, 'g');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([header, data, padding]);
}

export async function tarball(world: World, repo: RepoRecord, commit: CommitRecord): Promise<Buffer> {
  const top = `${repo.owner}-${repo.name}-${commit.sha.slice(0, 7)}`;
  const mtime = new Date(commit.date);
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  archive.entry({ name: `${top}/`, type: 'directory', mode: 0o775, mtime });
  const dirs = new Set<string>();
  // Submodules (mode 160000) are not archived: `git archive` leaves them out too.
  for (const path of [...commit.files.keys()].filter((p) => commit.modes.get(p) !== '160000').sort()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      archive.entry({ name: `${top}/${dir}/`, type: 'directory', mode: 0o775, mtime });
    }
    const content = world.git.blob(repo, commit.files.get(path)!) ?? '';
    const mode = commit.modes.get(path);
    if (mode === '120000') archive.entry({ name: `${top}/${path}`, type: 'symlink', linkname: content, mode: 0o777, mtime });
    else archive.entry({ name: `${top}/${path}`, mode: mode === '100755' ? 0o775 : 0o664, mtime }, content);
  }
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat([paxGlobalHeader(commit.sha, Math.floor(mtime.getTime() / 1000)), ...chunks]));
}

/** The codeload URL path GitHub redirects to: branches as `refs/heads/x`, otherwise the sha. */
function codeloadRef(world: World, repo: RepoRecord, ref: string, commit: CommitRecord): string {
  const branch = ref.replace(/^refs\//, '').replace(/^heads\//, '');
  return world.git.branchHead(repo, branch) === commit.sha && !/^[0-9a-f]{40}$/.test(ref) ? `refs/heads/${branch}` : commit.sha;
}

export function tarballRoutes(router: Router, world: World): void {
  router.get(
    '/repos/{owner}/{repo}/tarball/{ref}',
    (req): FakeResponse => {
      const repo = world.repos.require(req.params.owner!, req.params.repo!);
      const commit = world.git.requireCommit(repo, req.params.ref || repo.default_branch);
      const location = `${world.urls.codeload}/${repo.owner}/${repo.name}/legacy.tar.gz/${codeloadRef(world, repo, req.params.ref!, commit)}`;
      return { status: 302, headers: { location } };
    },
    ['ref'],
  );
}

/** Codeload is not the API: no auth, no rate limit, no OpenAPI description. */
export async function serveCodeload(world: World, path: string): Promise<FakeResponse> {
  const m = /^\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/(.+)$/.exec(path);
  const repo = m ? world.repos.get(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)) : undefined;
  const commit = repo && m ? world.git.resolve(repo, decodeURIComponent(m[3]!)) : undefined;
  if (!repo || !commit) return { status: 404, body: Buffer.from('404: Not Found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
  const top = `${repo.owner}-${repo.name}-${commit.sha.slice(0, 7)}`;
  return {
    status: 200,
    body: await tarball(world, repo, commit),
    headers: {
      'content-type': 'application/x-gzip',
      'content-disposition': `attachment; filename=${top}.tar.gz`,
      etag: `"${commit.sha}"`,
    },
  };
}
