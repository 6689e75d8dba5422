import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/report.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process, its output captured (nock then serves the fake GitHub). */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { out: (t) => void (stdout += `${t}\n`), err: (t) => void (stderr += `${t}\n`), interactive: false };
  const code = await runCli(args, io, { LOG_LEVEL: 'silent', ...env });
  return { code, stdout, stderr };
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A config repo folder on disk with these files, removed after the test. */
export function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'converge-cli-'));
  made.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A scratch folder that does not exist yet, removed after the test. */
export function scratchPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'converge-out-'));
  made.push(dir);
  return join(dir, 'out');
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
}
