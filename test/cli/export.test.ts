import { describe, expect, it } from 'vitest';
import { cli, configDir } from './support.js';

describe('converge export', () => {
  it('prints the effective model, with defaults merged under each resource', async () => {
    const dir = configDir({
      'converge.yml': 'providers:\n  github: {}\nowners: ["@acme/admins"]\n',
      'defaults/repos.yml': 'kind: defaults\nname: private\nselector:\n  kind: github.repository\n  names: ["svc-*"]\nowners: ["@acme/platform"]\nspec:\n  visibility: private\n  merge: { allowMergeCommit: false }\n',
      'repos/svc-a.yml': 'kind: github.repository\nname: svc-a\nspec:\n  description: A\n  merge: { allowSquashMerge: true }\n',
      'repos/web.yml': 'kind: github.repository\nname: web\n',
    });
    const run = await cli(['export', dir]);
    expect(run.code).toBe(0);
    const model = JSON.parse(run.stdout) as { config: { owners: string[] }; resources: Array<Record<string, unknown>> };
    expect(model.config.owners).toEqual(['@acme/admins']);
    expect(model.resources).toEqual([
      {
        kind: 'github.repository',
        target: 'default',
        name: 'svc-a',
        owners: ['@acme/platform'],
        lifecycle: { retain: false, ignoreFields: [] },
        spec: { description: 'A', visibility: 'private', merge: { allowMergeCommit: false, allowSquashMerge: true } },
        source: { file: 'repos/svc-a.yml', line: 1 },
        defaultsFrom: ['defaults/repos.yml'],
      },
      { kind: 'github.repository', target: 'default', name: 'web', owners: ['@acme/admins'], lifecycle: { retain: false, ignoreFields: [] }, spec: {}, source: { file: 'repos/web.yml', line: 1 } },
    ]);
  });

  it('exports nothing from an invalid config repo: the problems go to stderr, exit 1', async () => {
    const run = await cli(['export', configDir({ 'repos/web.yml': 'kind: github.repository\nname: web\nspec: { visibility: secret }\n' })]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^repos\/web\.yml:3:\d+: error: /);
  });
});
