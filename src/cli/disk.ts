import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ConfigFiles } from '../config/load.js';
import { SnapshotBuilder } from '../config/snapshot-builder.js';
import { UsageError } from './exit.js';

/** Folders a working copy holds that are never part of the config repo as GitHub serves it. */
const SKIPPED = new Set(['.git', 'node_modules']);

/**
 * A config repo's working copy, read the way the app reads its tarball: every file by its
 * path relative to `dir` (with `/`), under the same limits (SnapshotBuilder). Uncommitted
 * files count, so a pre-commit hook checks what is about to be committed.
 */
export async function readConfigDir(dir: string): Promise<ConfigFiles> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${dir} is not a directory: give the config repo's folder.`);
  const builder = new SnapshotBuilder();
  const walk = async (folder: string): Promise<boolean> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && !(await walk(full))) return false;
        continue;
      }
      if (!entry.isFile()) continue;
      const path = relative(dir, full).split(sep).join('/');
      const admitted = builder.admit(path, (await stat(full)).size);
      if (admitted === 'stop') return false;
      if (admitted === 'read') builder.store(path, await readFile(full));
    }
    return true;
  };
  await walk(dir);
  return builder.result();
}
