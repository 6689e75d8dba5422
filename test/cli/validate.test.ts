import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli, configDir } from './support.js';

const yamlBlocks = (file: string) => [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('converge validate', () => {
  it("passes the README's config repo: its converge.yml, defaults and every resource example", async () => {
    const blocks = yamlBlocks('README.md');
    const files: Record<string, string> = { 'converge.yml': blocks.find((b) => b.startsWith('providers:'))! };
    blocks.filter((b) => /^kind:/m.test(b)).forEach((block, i) => (files[`examples/${i}.yml`] = block));
    const run = await cli(['validate', configDir(files)]);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/valid, \d+ resources/);
    expect(run.code).toBe(0);
  });

  it('prints every problem as file:line:col and exits 1', async () => {
    const dir = configDir({
      'converge.yml': 'providers:\n  github: {}\nprune:\n  maxDeletionsPerRun: -1\n',
      'repos/api.yml': 'kind: github.repository\nname: api\nspec:\n  descripton: x\n',
      'repos/broken.yml': 'kind: github.label\nname: api/bug\nspec: { color: [\n',
    });
    const run = await cli(['validate', dir]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^converge\.yml:4:\d+: error: .*maxDeletionsPerRun/);
    expect(lines[1]).toBe('repos/api.yml:4:3: error: github.repository/api: unknown field "spec.descripton"; did you mean "description"? [schema.unknown-field]');
    expect(lines.slice(2)).toEqual(lines.slice(2).map(() => expect.stringMatching(/^repos\/broken\.yml:\d+:\d+: error: YAML syntax error .*\[yaml\.syntax\]$/)));
    expect(lines.length).toBeGreaterThan(2);
    expect(run.stderr).toContain(`${lines.length} errors`);
  });

  it("runs the kinds' own offline checks too: a team name that does not give its slug", async () => {
    const dir = configDir({ 'teams/web.yml': 'kind: github.team\nname: web\nspec:\n  name: Web Team\n' });
    const run = await cli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe(
      'teams/web.yml:1:1: error: github.team/web: Team name "Web Team" gives the slug "web-team", not "web": GitHub derives a team\'s slug from its name, so rename the resource or change spec.name. [github.team-slug]',
    );
  });

  it('gives the same as data with --format json', async () => {
    const dir = configDir({ 'repos/api.yml': 'kind: github.repository\nname: api\nspec:\n  visibility: secret\n' });
    const run = await cli(['validate', dir, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      valid: false,
      resources: 0,
      diagnostics: [expect.objectContaining({ severity: 'error', file: 'repos/api.yml', line: 4, column: 15, resource: 'github.repository/api' })],
    });
  });

  it('reports files it cannot read instead of skipping them', async () => {
    const dir = configDir({ 'repos/api.yml': 'kind: github.repository\nname: api\n' });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/repos/binary.yml`, Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const run = await cli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('repos/binary.yml:1:1: error: repos/binary.yml is not UTF-8 text');
  });

  it('exits 2 on usage errors: an unknown option, a missing folder', async () => {
    expect((await cli(['validate', '--format', 'xml'])).code).toBe(2);
    const missing = await cli(['validate', '/nonexistent/converge']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/converge is not a directory');
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('has --help on every command', async () => {
    for (const command of ['validate', 'plan', 'import', 'export']) {
      const run = await cli([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toContain(`Usage: converge ${command}`);
    }
  });

  it('runs as the shipped bin, with its exit codes', async () => {
    const dir = configDir({ 'repos/api.yml': 'kind: github.repository\nname: api\nspec:\n  descripton: x\n' });
    const failed = await promisify(execFile)('node', ['bin/converge.js', 'validate', dir]).catch((error: { code: number; stdout: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stdout).toContain('repos/api.yml:4:3: error:');
    const ok = await promisify(execFile)('node', ['bin/converge.js', 'validate', configDir({ 'repos/api.yml': 'kind: github.repository\nname: api\n' })]);
    expect(ok.stderr).toContain('valid, 1 resource');
  });
});
