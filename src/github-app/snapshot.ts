import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { ConfigFiles } from '../config/load.js';
import { SnapshotBuilder } from '../config/snapshot-builder.js';
import type { GitHubClient, RepoRef } from './client.js';

/**
 * Unpack a gzipped tarball of the config repo, checking the limits while it streams
 * (SnapshotBuilder): a limit on the whole snapshot stops unpacking at once, and a file over
 * the per-file limit is skipped, never buffered.
 */
export async function unpackSnapshot(gzipped: Buffer): Promise<ConfigFiles> {
  const builder = new SnapshotBuilder();
  if (builder.archiveTooLarge(gzipped.length)) return builder.result();
  const gunzip = createGunzip();
  const extract = tar.extract();
  let finish: () => void = () => undefined;
  // A limit on the whole snapshot stops unpacking at once: nothing more is inflated or buffered.
  const stop = () => {
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
    const admitted = builder.admit(path, header.size ?? 0);
    if (admitted === 'stop') return stop();
    if (admitted === 'skip') return skip();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
    stream.on('end', () => {
      builder.store(path, Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    finish = resolve;
    const fail = (error: unknown) => (builder.isStopped ? resolve() : reject(error));
    extract.on('finish', resolve);
    extract.on('error', fail);
    gunzip.on('error', fail);
    gunzip.pipe(extract);
    gunzip.end(gzipped);
  });
  return builder.result();
}

/** The whole config repo at one commit, in one request (the tarball). */
export async function fetchSnapshot(client: GitHubClient, ref: RepoRef, sha: string): Promise<ConfigFiles> {
  const response = await client.rest.repos.downloadTarballArchive({ owner: ref.owner, repo: ref.repo, ref: sha });
  return unpackSnapshot(Buffer.from(response.data as ArrayBuffer));
}
