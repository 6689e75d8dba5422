/**
 * `converge` as shipped (the package's bin, a process of its own) against the fake GitHub
 * over HTTP: an org of 500 repositories imported into a config repo, which then plans empty;
 * a change to it plans as one update; nothing is ever written to the org.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFakeGitHub, type ServedFakeGitHub } from '../support/fake-github/serve.js';
import { seedLargeOrg } from '../support/large-org.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function converge(args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('node', ['bin/converge.js', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('converge CLI, as shipped', () => {
  let served: ServedFakeGitHub;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    served = await serveFakeGitHub();
    seedLargeOrg(served.fake, { repos: 500, teams: 50 });
    // An import and a full plan of 500 repositories together send more than GitHub's 5,000 an hour.
    served.fake.setRateLimit({ limit: 15_000, remaining: 15_000 });
    dir = mkdtempSync(join(tmpdir(), 'converge-e2e-cli-'));
    env = { ...served.env, GITHUB_TOKEN: 'ghp_e2e' };
  });

  afterAll(async () => {
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const orgWrites = () => served.fake.filter((r) => r.method !== 'GET' && !/\/graphql$/.test(r.path));

  it('imports 500 repositories with their labels, teams and protection, and the result plans empty', async () => {
    const out = join(dir, 'config');
    const imported = await converge(['import', '--org', 'acme', '--out', out], env);
    expect(imported.stderr).toMatch(/Wrote 5\d\d files/);
    expect(imported.code).toBe(0);
    const validated = await converge(['validate', out], env);
    expect(validated.code).toBe(0);
    const planned = await converge(['plan', out, '--org', 'acme', '--full'], env);
    expect(planned.stdout.trim()).toBe('No changes: the targets match the config repo.');
    expect(planned.code).toBe(0);
    expect(planned.stderr).toContain('read 500 live github.repository');

    writeFileSync(join(out, 'repos/repo-0007.yml'), 'kind: github.repository\nname: repo-0007\nspec:\n  description: Seven\n', { flag: 'w' });
    const changed = await converge(['plan', out, '--org', 'acme', '--only', 'github.repository/repo-0007', '--format', 'json'], env);
    expect(changed.code).toBe(1);
    expect((JSON.parse(changed.stdout) as { changes: Array<{ name: string; action: string }> }).changes).toEqual([expect.objectContaining({ name: 'repo-0007', action: 'update' })]);
    expect(orgWrites()).toEqual([]);
  }, 240_000);

  it('exits 2 with the reason when it cannot authenticate', async () => {
    const ran = await converge(['plan', join(dir, 'config'), '--org', 'acme'], served.env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('No GitHub credentials');
  });
});
