import { describe, expect, it } from 'vitest';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { cli, configDir, git, writeFiles } from './support.js';

const fake = installFakeGitHub({
  seed: (f) => {
    f.addRepo({ name: 'api', description: 'Public API', labels: [{ name: 'bug', color: 'd73a4a' }] });
    f.addRepo({ name: 'web', description: 'Website' });
  },
});
const TOKEN = { GITHUB_TOKEN: 'ghp_cli' };
const settings = 'providers:\n  github: {}\n';
const api = (description: string) => `kind: github.repository\nname: api\nspec:\n  description: ${description}\n`;
const web = 'kind: github.repository\nname: web\nspec:\n  description: Website\n';
const writes = () => fake.filter((r) => r.method !== 'GET' && !/\/graphql$/.test(r.path)).length;

describe('converge plan', () => {
  it('prints the changes against the live org, exits 1, and writes nothing', async () => {
    const dir = configDir({ 'converge.yml': settings, 'repos/api.yml': api('Internal API'), 'repos/web.yml': web });
    const run = await cli(['plan', dir, '--org', 'acme'], TOKEN);
    expect(run.stdout).toBe(['~ github.repository/api  repos/api.yml:1', '    description: "Public API" → "Internal API"', '', 'Plan: 1 to update.', ''].join('\n'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Reading acme on https://github.com as GITHUB_TOKEN, read-only.');
    expect(writes()).toBe(0);
    expect(fake.repo('api').description).toBe('Public API');
  });

  it("shows the policy rules' verdicts, on the line that causes them", async () => {
    const rules = `${settings}policies:\n  - name: no-public\n    description: Repositories stay private.\n    match: { kinds: github.repository, fields: [visibility], after: public }\n    effect: deny\n`;
    const dir = configDir({ 'converge.yml': rules, 'repos/web.yml': 'kind: github.repository\nname: web\nspec:\n  visibility: public\n' });
    fake.repo('web').visibility = 'private';
    fake.repo('web').private = true;
    const run = await cli(['plan', dir, '--org', 'acme'], TOKEN);
    expect(run.stdout).toMatch(/^repos\/web\.yml:4:\d+: denied: no-public: Repositories stay private\. \(github\.repository\/web\)$/m);
    expect(run.code).toBe(1);
  });

  it('exits 0 when the org already matches', async () => {
    const dir = configDir({ 'converge.yml': settings, 'repos/api.yml': api('Public API'), 'repos/web.yml': web });
    const run = await cli(['plan', dir, '--org', 'acme'], TOKEN);
    expect(run.stdout.trim()).toBe('No changes: the targets match the config repo.');
    expect(run.code).toBe(0);
  });

  it('plans only what --only names', async () => {
    const dir = configDir({ 'converge.yml': settings, 'repos/api.yml': api('Internal API'), 'repos/web.yml': web.replace('Website', 'Site') });
    const run = await cli(['plan', dir, '--org', 'acme', '--only', 'github.repository/w*', '--format', 'json'], TOKEN);
    const plan = JSON.parse(run.stdout) as { changes: Array<{ name: string; fields: unknown[] }> };
    expect(plan.changes.map((c) => c.name)).toEqual(['web']);
    expect(plan.changes[0]!.fields).toEqual([{ path: 'description', before: 'Website', after: 'Site' }]);
    expect(run.code).toBe(1);
  });

  it('renders the check run Markdown with --format markdown', async () => {
    const dir = configDir({ 'converge.yml': settings, 'repos/api.yml': api('Internal API') });
    const run = await cli(['plan', dir, '--org', 'acme', '--format', 'markdown'], TOKEN);
    expect(run.stdout).toMatch(/^## 1 to update/);
    expect(run.stdout).toContain("| <code>description</code> | <code>\"Public API\"</code> | <code>\"Internal API\"</code> |");
  });

  it('with --base, plans only what the working copy changed since that ref, as the PR check would', async () => {
    const dir = configDir({ 'converge.yml': settings, 'repos/api.yml': api('Public API'), 'repos/web.yml': web });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    // The org drifted on web, which this change does not touch: it is not in the plan.
    fake.repo('web').description = 'Changed by hand';
    writeFiles(dir, { 'repos/api.yml': api('Internal API') });
    const run = await cli(['plan', dir, '--org', 'acme', '--base', 'main'], TOKEN);
    expect(run.stdout).toContain('~ github.repository/api');
    expect(run.stdout).not.toContain('github.repository/web');
    expect(run.code).toBe(1);
  });

  it('shows the config errors instead of reading the org', async () => {
    const dir = configDir({ 'converge.yml': settings, 'repos/api.yml': 'kind: github.repository\nname: api\nspec:\n  descripton: x\n' });
    const run = await cli(['plan', dir, '--org', 'acme'], TOKEN);
    expect(run.stdout).toContain('repos/api.yml:4:3: error:');
    expect(run.stdout).toContain('No plan: the config repo has errors.');
    expect(run.code).toBe(1);
    expect(fake.requests).toHaveLength(0);
  });

  it('exits 2 without credentials or an org, naming what to set', async () => {
    const dir = configDir({ 'converge.yml': settings, 'repos/api.yml': api('x') });
    const noCredentials = await cli(['plan', dir, '--org', 'acme']);
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toContain('set GITHUB_TOKEN');
    const noOrg = await cli(['plan', dir], TOKEN);
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toContain('--org');
    expect((await cli(['plan', dir, '--only', 'api'], TOKEN)).code).toBe(2);
  });
});
