import { describe, expect, it } from 'vitest';
import { importLive } from '../../src/importer/index.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { createRegistry } from '../../src/providers/index.js';
import { makeClient } from '../providers/github/helpers.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, silent } from '../support/harness.js';

const registry = createRegistry();
const deps = (): ProviderDeps => ({ github: { client: makeClient(), owner: 'acme' }, env: {}, log: silent });
const fake = installFakeGitHub({
  seed: (f) => {
    f.addRepo({ name: 'a', labels: ['bug'] });
    f.addRepo({ name: 'b', description: 'bee' });
    f.putEnvironment('a', 'production', { wait_timer: 1 });
  },
});

describe('importLive', () => {
  it('writes no file at all when part of the org cannot be read, and names what failed', async () => {
    fake.failNext({ method: 'GET', path: /^\/repos\/acme\/b\/environments$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const result = await importLive({ registry, providers: { github: {} }, deps: deps() });
    // A file set without b's environments would plan them as extraneous: nothing is better.
    expect(result.files.size).toBe(0);
    expect(result.failures).toMatchObject([{ kind: 'github.environment', target: 'default', name: 'b/*', code: 'permission' }]);
    expect(result.resources).toBeGreaterThan(0);
  });

  it('reads only the kinds asked for, in bulk, and reports each as it finishes', async () => {
    const progress: unknown[] = [];
    fake.resetLog();
    const result = await importLive({ registry, providers: { github: {} }, deps: deps(), kinds: ['github.repository', 'github.label'], onProgress: (p) => progress.push(p) });
    expect(result.failures).toEqual([]);
    expect(progress).toEqual([
      { kind: 'github.repository', target: 'default', resources: 2 },
      { kind: 'github.label', target: 'default', resources: 1 },
    ]);
    // Repositories and labels come in one GraphQL query.
    expect(fake.count()).toBe(1);
    expect([...result.files.keys()].filter((p) => p.endsWith('.yml'))).toEqual(['converge.yml', 'repos/a.yml', 'repos/b.yml']);
    expect(result.files.get('repos/a.yml')).not.toContain('environment');
    expect(result.files.get('repos/b.yml')).toContain('description: bee');
  });

  it("leaves out the config repo's own footprint", async () => {
    fake.addRepo({ name: CONFIG_REPO, labels: ['converge-drift'] });
    fake.addTeam({ name: 'admins', repos: { [CONFIG_REPO]: 'admin', a: 'push' } } as Parameters<typeof fake.addTeam>[0]);
    const result = await importLive({ registry, providers: { github: {} }, deps: deps(), configRepo: CONFIG_REPO });
    expect(result.failures).toEqual([]);
    const all = [...result.files].filter(([p]) => p.endsWith('.yml')).map(([, text]) => text).join('\n');
    expect(all).not.toContain(CONFIG_REPO);
    expect(result.files.get('repos/a.yml')).toContain('name: admins/a\nspec:\n  permission: push\n');
  });

  it('refuses kinds it cannot import, and providers that are not valid, before reading anything', async () => {
    fake.resetLog();
    await expect(importLive({ registry, providers: { github: {} }, deps: deps(), kinds: ['github.nope'] })).rejects.toThrow(/no provider has kind github\.nope/);
    await expect(importLive({ registry, providers: { github: {} }, deps: deps(), kinds: ['postgres.role'] })).rejects.toThrow(/needs the postgres provider/);
    await expect(importLive({ registry, providers: { gitlab: {} }, deps: deps() })).rejects.toThrow(/unknown provider "gitlab"/);
    await expect(importLive({ registry, providers: { github: { orgg: 'x' } }, deps: deps() })).rejects.toThrow(/not valid/);
    expect(fake.count()).toBe(0);
  });
});
