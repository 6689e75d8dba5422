import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ConfigFiles } from '../config/load.js';
import { MAX_SNAPSHOT_BYTES } from '../config/limits.js';
import { unpackSnapshot } from '../github-app/snapshot.js';
import { UsageError } from './exit.js';

const run = promisify(execFile);

async function git(dir: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer> {
  try {
    const { stdout } = await run('git', ['-C', dir, ...args], { encoding, maxBuffer: MAX_SNAPSHOT_BYTES * 2 });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new UsageError(`git ${args[0]} in ${dir} failed: ${stderr || (error as Error).message}`);
  }
}

const lines = (text: string | Buffer) => String(text).split('\n').filter(Boolean);

/**
 * The config repo at a git ref, and the files the working copy changed since it (committed or
 * not, untracked included): what a PR from this working copy into `ref` would plan. The ref's
 * tree is read through `git archive`, the same tarball shape GitHub serves, under the same limits.
 */
export async function gitBase(dir: string, ref: string): Promise<{ files: ConfigFiles; changed: string[] }> {
  const prefix = String(await git(dir, ['rev-parse', '--show-prefix'])).trim();
  const archive = (await git(dir, ['archive', '--format=tar.gz', '--prefix=base/', prefix ? `${ref}:${prefix}` : ref], 'buffer')) as Buffer;
  const changed = [...lines(await git(dir, ['diff', '--name-only', '--relative', ref, '--'])), ...lines(await git(dir, ['ls-files', '--others', '--exclude-standard']))];
  return { files: await unpackSnapshot(archive), changed: [...new Set(changed)].sort() };
}

/** owner/repo of the working copy's `origin` on GitHub (or GHE), if it has one. */
export async function originRepo(dir: string): Promise<{ owner: string; repo: string } | undefined> {
  const url = String(await git(dir, ['remote', 'get-url', 'origin']).catch(() => '')).trim();
  const match = /[/:]([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url);
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}
