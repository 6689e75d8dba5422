import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { cli, configDir, scratchPath } from './support.js';

const fake = installFakeGitHub({
  seed: (f) => {
    f.addUser('alice', 'member');
    f.addRepo({ name: 'api', description: 'Public API', has_wiki: false, labels: [{ name: 'bug', color: 'd73a4a' }, { name: 'on hold', color: 'fbca04', description: 'Waiting' }] });
    f.addRepo({ name: 'web', visibility: 'private', private: true });
    const team = f.addTeam({ name: 'Platform', description: 'Owns the platform', members: ['alice'] });
    team.repos.set(f.repo('api').id, 'push');
    f.addProtection('api', { pattern: 'main', requiresApprovingReviews: true, requiredApprovingReviewCount: 2 });
    f.addVariable('api', 'REGION', 'eu-west-1');
  },
});
const TOKEN = { GITHUB_TOKEN: 'ghp_cli' };

describe('converge import', () => {
  it('writes a config repo, one file per repository, that plans empty against the org', async () => {
    const out = scratchPath();
    const imported = await cli(['import', '--org', 'acme', '--out', out], TOKEN);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/Wrote \d+ files \(\d+ resources\)/);
    const api = readFileSync(join(out, 'repos/api.yml'), 'utf8');
    expect(api.split('\n')[0]).toBe('# yaml-language-server: $schema=../.converge/converge-resources.schema.json');
    // Only what differs from a new repository's defaults, with the repository's children beside it.
    expect(api).toContain('description: Public API');
    expect(api).toContain('wiki: false');
    expect(api).not.toMatch(/issues: true|allowMergeCommit/);
    expect(api).toMatch(/kind: github\.label\nname: api\/on hold/);
    expect(api).toContain('REGION');
    expect(api).toContain('eu-west-1');
    expect(existsSync(join(out, 'teams/platform.yml'))).toBe(true);
    expect(readdirSync(join(out, '.converge')).sort()).toEqual(['converge-resources.schema.json', 'converge.schema.json']);
    expect(readFileSync(join(out, "converge.yml"), "utf8")).toMatch(/prune:\n(\s+#.*\n)*\s+enabled: false/);
    const writes = fake.filter((r) => r.method !== 'GET' && !/\/graphql$/.test(r.path));
    expect(writes).toEqual([]);

    expect((await cli(['validate', out])).code).toBe(0);
    const planned = await cli(['plan', out, '--org', 'acme', '--full'], TOKEN);
    expect(planned.stdout.trim()).toBe('No changes: the targets match the config repo.');
    expect(planned.code).toBe(0);
  });

  it('imports only the kinds asked for', async () => {
    const out = scratchPath();
    expect((await cli(['import', '--org', 'acme', '--kinds', 'github.repository', '--out', out], TOKEN)).code).toBe(0);
    expect(readFileSync(join(out, 'repos/api.yml'), 'utf8')).not.toContain('github.label');
    expect(existsSync(join(out, 'teams'))).toBe(false);
  });

  it('writes nothing when part of the org cannot be read, and says what', async () => {
    fake.failNext({ path: /\/repos\/acme\/web\/environments/, status: 403, times: 5, body: { message: 'Resource not accessible by integration' } });
    const out = scratchPath();
    const run = await cli(['import', '--org', 'acme', '--out', out], TOKEN);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/github\.environment\/web\/\*: could not be read \(permission\)/);
    expect(run.stderr).toContain('Nothing written');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a folder with files in it, unknown kinds, and no source, with exit 2', async () => {
    const busy = configDir({ 'converge.yml': 'providers:\n  github: {}\n' });
    const notEmpty = await cli(['import', '--org', 'acme', '--out', busy], TOKEN);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toContain('is not empty');
    const unknown = await cli(['import', '--org', 'acme', '--kinds', 'github.repo', '--out', scratchPath()], TOKEN);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no kind github.repo');
    expect((await cli(['import', '--out', scratchPath()], TOKEN)).code).toBe(2);
    expect((await cli(['import', '--target', 'analytics', '--out', scratchPath()])).code).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('converge import --target (PostgreSQL)', () => {
  it('writes the target into converge.yml by the variable that holds its connection string, and the result validates', async () => {
    const out = scratchPath();
    const run = await cli(['import', '--target', 'analytics=PG_CLI_IMPORT_URL', '--kinds', 'postgres.database', '--out', out], { PG_CLI_IMPORT_URL: 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(out, 'converge.yml'), 'utf8')).toMatch(/analytics:\n\s+connectionFromEnv: PG_CLI_IMPORT_URL/);
    expect(readdirSync(join(out, 'postgres/analytics/databases'))).toContain('postgres.yml');
    expect((await cli(['validate', out])).code).toBe(0);
  });

  it('refuses a variable converge.yml could not name', async () => {
    const run = await cli(['import', '--target', 'analytics=DATABASE_URL', '--out', scratchPath()], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('connectionFromEnv" must start with PG_ or CONVERGE_SECRET_');
  });
});
