import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { ConfigFiles, FileProblem } from '../config/load.js';
import { formatBytes, MAX_FILE_BYTES, MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_FILES } from '../config/limits.js';
import type { GitHubClient, RepoRef } from './client.js';

/** The config repo's files, and the ones it could not hold (see FileProblem). */
class Snapshot extends Map<string, string> {
  problems: FileProblem[] = [];
}

const limitHint = 'see Limits in the README';

/**
 * Unpack a gzipped tarball of the config repo, checking the limits while it streams: no more
 * than MAX_SNAPSHOT_FILES files and MAX_SNAPSHOT_BYTES in all (a fatal problem: nothing is
 * planned from a partial snapshot), and no file over MAX_FILE_BYTES (that file is a problem,
 * its bytes are skipped, never buffered). A file that is not UTF-8 text is a problem too.
 */
export async function unpackSnapshot(gzipped: Buffer): Promise<ConfigFiles> {
  const files = new Snapshot();
  if (gzipped.length > MAX_SNAPSHOT_BYTES) {
    files.problems.push({ path: 'converge.yml', code: 'snapshot.too-large', fatal: true, message: `The config repo's archive is ${formatBytes(gzipped.length)}, more than the ${formatBytes(MAX_SNAPSHOT_BYTES)} a config repo may hold, so nothing was planned (${limitHint}).` });
    return files;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let count = 0;
  let total = 0;
  let stopped: FileProblem | undefined;
  const gunzip = createGunzip();
  const extract = tar.extract();
  let finish: () => void = () => undefined;
  // A limit on the whole snapshot stops unpacking at once: nothing more is inflated or buffered.
  const stop = (problem: FileProblem) => {
    stopped = problem;
    gunzip.unpipe(extract);
    gunzip.destroy();
    extract.destroy();
    finish();
  };
  extract.on('entry', (header, stream, next) => {
    // GitHub wraps the tree in one top-level folder (`owner-repo-sha/`).
    const path = header.name.split('/').slice(1).join('/');
    const skip = () => {
      stream.on('end', () => next());
      stream.resume();
    };
    if (header.type !== 'file' || !path) return skip();
    const size = header.size ?? 0;
    count += 1;
    total += size;
    if (count > MAX_SNAPSHOT_FILES) {
      return stop({ path, code: 'snapshot.too-many-files', fatal: true, message: `The config repo holds more than ${MAX_SNAPSHOT_FILES.toLocaleString('en-US')} files, the most Converge reads, so nothing was planned (${limitHint}).` });
    }
    if (total > MAX_SNAPSHOT_BYTES) {
      return stop({ path, code: 'snapshot.too-large', fatal: true, message: `The config repo's files add up to more than ${formatBytes(MAX_SNAPSHOT_BYTES)}, the most Converge reads, so nothing was planned (${limitHint}).` });
    }
    if (size > MAX_FILE_BYTES) {
      files.problems.push({ path, code: 'file.too-large', message: `${path} is ${formatBytes(size)}, larger than the ${formatBytes(MAX_FILE_BYTES)} a config file may be, so it was not read (${limitHint}).` });
      return skip();
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
    stream.on('end', () => {
      try {
        files.set(path, decoder.decode(Buffer.concat(chunks)));
      } catch {
        files.problems.push({ path, code: 'file.not-text', message: `${path} is not UTF-8 text, so it was not read.` });
      }
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    finish = resolve;
    const fail = (error: unknown) => (stopped ? resolve() : reject(error));
    extract.on('finish', resolve);
    extract.on('error', fail);
    gunzip.on('error', fail);
    gunzip.pipe(extract);
    gunzip.end(gzipped);
  });
  if (stopped) {
    const partial = new Snapshot();
    partial.problems.push(stopped);
    return partial;
  }
  return files;
}

/** The whole config repo at one commit, in one request (the tarball). */
export async function fetchSnapshot(client: GitHubClient, ref: RepoRef, sha: string): Promise<ConfigFiles> {
  const response = await client.rest.repos.downloadTarballArchive({ owner: ref.owner, repo: ref.repo, ref: sha });
  return unpackSnapshot(Buffer.from(response.data as ArrayBuffer));
}
