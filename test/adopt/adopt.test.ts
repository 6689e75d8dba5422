import { describe, expect, it } from 'vitest';
import { adoptChanges } from '../../src/adopt/adopt.js';
import { changedLines } from '../../src/adopt/lines.js';
import { loadModel } from '../../src/config/load.js';
import { diffSpecs } from '../../src/core/diff.js';
import type { Change } from '../../src/core/plan-types.js';
import { createRegistry } from '../../src/providers/index.js';

const registry = createRegistry();
const CONVERGE = 'providers:\n  github: {}\n  postgres: { connectionFromEnv: PG_URL }\n';
const API = 'kind: github.repository\nname: api\nspec:\n  description: Public API # keep\n';
const DEFAULTS = 'kind: defaults\nname: all-repos\nselector:\n  kind: github.repository\nspec:\n  features:\n    wiki: false\n';

function setup(extra: Record<string, string> = {}) {
  const files = new Map(Object.entries({ 'converge.yml': CONVERGE, 'repos/api.yml': API, 'defaults/repos.yml': DEFAULTS, ...extra }));
  return { files, model: loadModel(files, registry) };
}

const update = (kind: string, name: string, fields: Change['fields'], actual: Record<string, unknown>): Change => ({ kind, target: 'default', name, action: 'update', origin: 'drift', fields, actual, owners: [] });
const extraneous = (kind: string, name: string, actual: Record<string, unknown>): Change => ({ kind, target: 'default', name, action: 'delete', origin: 'extraneous', fields: [], actual, owners: [], blocked: 'prune is off' });

/** What the edited files declare for a key, diffed against live: empty once adopted. */
function leftOver(files: Map<string, string>, edited: Map<string, string>, key: string, live: Record<string, unknown>) {
  const model = loadModel(new Map([...files, ...edited]), registry);
  expect(model.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return diffSpecs(model.byKey.get(key)!.spec, live);
}

describe('adopting drift into the configuration', () => {
  it('writes a field set by defaults into the resource itself, says so, and leaves the defaults file alone', () => {
    const { files, model } = setup();
    const live = { description: 'Public API', features: { wiki: true } };
    const result = adoptChanges({ files, model, registry, changes: [update('github.repository', 'api', [{ path: 'features.wiki', before: true, after: false }], live)] });
    expect([...result.files.keys()]).toEqual(['repos/api.yml']);
    expect(changedLines(API, result.files.get('repos/api.yml')!)).toEqual(['+  features:', '+    wiki: true']);
    expect(result.adopted[0]!.notes.join(' ')).toContain('set by the defaults in defaults/repos.yml (line 7)');
    expect(leftOver(files, result.files, 'github.repository/api', live)).toEqual([]);
  });

  it('never adopts a secret, or where one comes from', () => {
    const role = 'kind: postgres.role\nname: app\nspec:\n  login: true\n  passwordFromEnv: PG_APP_PASSWORD\n';
    const { files, model } = setup({ 'roles.yml': role });
    const result = adoptChanges({
      files,
      model,
      registry,
      changes: [update('postgres.role', 'app', [{ path: 'passwordFromEnv', before: 'PG_OTHER', after: 'PG_APP_PASSWORD' }], { login: true })],
    });
    expect(result.files.size).toBe(0);
    expect(result.skipped).toEqual([{ key: 'postgres.role/app', why: expect.stringContaining('passwordFromEnv (a secret, or where one comes from: never adopted)') }]);
  });

  it('writes an undeclared label into its repository file, and an undeclared repository into a new file', () => {
    const { files, model } = setup();
    const label = { color: '00ff00', description: 'Wanted' };
    const repo = { description: 'Made by hand', visibility: 'private', features: { wiki: false } };
    const result = adoptChanges({ files, model, registry, changes: [extraneous('github.label', 'api/wanted', label), extraneous('github.repository', 'tools', repo)] });
    expect(changedLines(API, result.files.get('repos/api.yml')!)).toEqual(['+---', '+kind: github.label', '+name: api/wanted', '+spec:', '+  color: 00ff00', '+  description: Wanted']);
    const created = result.files.get('repos/tools.yml')!;
    expect(created).toMatch(/^# yaml-language-server: \$schema=/);
    expect(created).toContain('description: Made by hand');
    expect(result.adopted.map((a) => [a.key, a.created])).toEqual([
      ['github.label/api/wanted', true],
      ['github.repository/tools', true],
    ]);
    expect(leftOver(files, result.files, 'github.label/api/wanted', label)).toEqual([]);
    expect(leftOver(files, result.files, 'github.repository/tools', repo)).toEqual([]);
  });

  it('completes a new document that a defaults document would otherwise override', () => {
    const { files, model } = setup();
    // wiki: true is GitHub's default for a new repository, so the importer leaves it out; the defaults say false.
    const repo = { description: 'Made by hand', features: { wiki: true } };
    const result = adoptChanges({ files, model, registry, changes: [extraneous('github.repository', 'tools', repo)] });
    expect(result.files.get('repos/tools.yml')).toContain('wiki: true');
    expect(result.adopted[0]!.notes.join(' ')).toContain('`features.wiki` is written out because a defaults document would otherwise set it differently');
    expect(leftOver(files, result.files, 'github.repository/tools', repo)).toEqual([]);
  });

  it('does not adopt a resource that is declared but missing live', () => {
    const { files, model } = setup();
    const result = adoptChanges({ files, model, registry, changes: [{ kind: 'github.repository', target: 'default', name: 'api', action: 'create', origin: 'drift', fields: [], owners: [] }] });
    expect(result.files.size).toBe(0);
    expect(result.skipped[0]!.why).toContain('declared but missing live');
  });
});
