import { Ajv2020 } from 'ajv/dist/2020.js';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import type { ActualResource } from '../../src/core/resource.js';
import { ImportRenderError, renderImport, RESOURCES_SCHEMA_PATH, SETTINGS_SCHEMA_PATH } from '../../src/importer/index.js';
import { safeSegment } from '../../src/importer/layout.js';
import { createRegistry } from '../../src/providers/index.js';
import { schemaTexts } from '../../scripts/json-schema.js';

const registry = createRegistry();
const live = (kind: string, name: string, spec: Record<string, unknown>, target = 'default'): ActualResource => ({ kind, target, name, spec });
const render = (resources: ActualResource[], providers: Record<string, unknown> = { github: {} }) => renderImport({ registry, providers, resources });

const newRepository = {
  description: '',
  homepage: '',
  visibility: 'public',
  features: { issues: true, projects: true, wiki: true, discussions: false },
  merge: { allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: true, allowAutoMerge: false, deleteBranchOnMerge: false },
  defaultBranch: 'main',
  archived: false,
  topics: [],
};

const sample = (): ActualResource[] => [
  live('github.repository', 'api', { ...newRepository, description: 'The API', merge: { ...newRepository.merge, allowAutoMerge: true } }),
  live('github.repository', 'web', newRepository),
  live('github.label', 'api/bug', { color: 'd73a4a', description: '' }),
  live('github.label', 'api/kind/docs', { color: 'ededed', description: 'Docs' }),
  live('github.team-repository', 'platform/api', { permission: 'admin' }),
  live('github.team', 'platform', { name: 'platform', description: '', privacy: 'secret', parent: null, notifications: true, members: ['bob'], maintainers: [] }),
  live('github.member', 'bob', { role: 'member' }),
  live('github.org-variable', 'REGION', { value: 'eu-west-1', visibility: 'private' }),
];

describe('renderImport', () => {
  it('leaves out every value a new resource would have, down to nested fields', () => {
    const files = render(sample());
    expect(files.get('repos/web.yml')).toBe('# yaml-language-server: $schema=../.converge/converge-resources.schema.json\nkind: github.repository\nname: web\n');
    expect(files.get('repos/api.yml')).toBe(
      [
        '# yaml-language-server: $schema=../.converge/converge-resources.schema.json',
        'kind: github.repository',
        'name: api',
        'spec:',
        '  description: The API',
        '  merge:',
        '    allowAutoMerge: true',
        '---',
        'kind: github.label',
        'name: api/bug',
        'spec:',
        '  color: d73a4a',
        '---',
        'kind: github.label',
        'name: api/kind/docs',
        'spec:',
        '  description: Docs',
        '---',
        'kind: github.team-repository',
        'name: platform/api',
        'spec:',
        '  permission: admin',
        '',
      ].join('\n'),
    );
    expect(files.get('teams/platform.yml')).toContain('name: platform\nspec:\n  members:\n    - bob\n');
    expect(files.get('org/members.yml')).toBe('# yaml-language-server: $schema=../.converge/converge-resources.schema.json\nkind: github.member\nname: bob\n');
    expect(files.get('org/variables.yml')).toContain('name: REGION\nspec:\n  value: eu-west-1\n');
  });

  it('is deterministic: the same files, in path order, whatever order the reads came in', () => {
    const first = render(sample());
    const second = render(sample().reverse());
    expect([...second]).toEqual([...first]);
    expect([...first.keys()]).toEqual([...first.keys()].sort());
    expect([...first.keys()]).toEqual([
      '.converge/converge-resources.schema.json',
      '.converge/converge.schema.json',
      'converge.yml',
      'org/members.yml',
      'org/variables.yml',
      'repos/api.yml',
      'repos/web.yml',
      'teams/platform.yml',
    ]);
  });

  it('starts every YAML file with the schema line and ships the committed schemas', () => {
    const files = render([...sample(), live('github.repository', 'ops', newRepository, 'other'), live('postgres.role', 'app', { login: true }, 'analytics')], {
      github: { targets: { default: {}, other: { org: 'acme-ops' } } },
      postgres: { targets: { analytics: { connectionFromEnv: 'PG_URL' } } },
    });
    expect(files.get('converge.yml')).toMatch(/^# yaml-language-server: \$schema=\.converge\/converge\.schema\.json\n/);
    expect(files.get('github/other/repos/ops.yml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/\.converge\/converge-resources\.schema\.json\nkind: github.repository\nname: ops\ntarget: other\n/);
    expect(files.get('postgres/analytics/roles.yml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/\.converge\/converge-resources\.schema\.json\nkind: postgres.role\nname: app\ntarget: analytics\nspec:\n  login: true\n$/);
    for (const [path, text] of files) if (path.endsWith('.yml')) expect(text.split('\n')[0], path).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)*\.converge\/converge(-resources)?\.schema\.json$/);
    const committed = schemaTexts();
    expect(files.get(RESOURCES_SCHEMA_PATH)).toBe(committed.resources);
    expect(files.get(SETTINGS_SCHEMA_PATH)).toBe(committed.settings);
    // The schema files are JSON: the default include globs (`**/*.yml`, `**/*.yaml`) never load them.
    const model = loadModel(files, registry);
    expect(model.diagnostics).toEqual([]);
    expect(model.resources.map((r) => `${r.kind}@${r.target}/${r.name}`).sort()).toEqual(
      [...sample(), live('github.repository', 'ops', newRepository, 'other'), live('postgres.role', 'app', { login: true }, 'analytics')].map((r) => `${r.kind}@${r.target}/${r.name}`).sort(),
    );
  });

  it('writes converge.yml with the providers given and safe settings', () => {
    const files = render([], { postgres: { targets: { analytics: { connectionFromEnv: 'PG_URL' } } } });
    const config = jsYaml.load(files.get('converge.yml')!) as Record<string, unknown>;
    expect(config).toEqual({ providers: { postgres: { targets: { analytics: { connectionFromEnv: 'PG_URL' } } } }, prune: { enabled: false }, drift: { mode: 'report' } });
    expect(files.get('converge.yml')).toMatch(/# Off: a resource removed from this repo is reported, never deleted/);
  });

  it('maps unusual names to unique, visible file names', () => {
    const files = render([
      live('github.repository', '.github', newRepository),
      live('github.repository', 'Mixed-Case', newRepository),
      live('github.label', 'mixed-case/bug', { color: 'ff0000', description: '' }),
      live('github.repository', 'con', newRepository),
      live('github.team', 'ops', { name: 'Ops', members: [] }),
      live('postgres.database', 'weird/../name', { owner: 'app' }),
      live('postgres.database', 'Sales', { owner: 'app' }),
      live('postgres.database', 'sales', { owner: 'app' }),
    ], { github: {}, postgres: { connectionFromEnv: 'PG_URL' } });
    const paths = [...files.keys()].filter((p) => p.endsWith('.yml'));
    // GitHub compares repository names without case: a label spelled otherwise joins its repository.
    expect(files.get('repos/Mixed-Case.yml')).toContain('name: mixed-case/bug\n');
    expect(paths.filter((p) => p.startsWith('repos/'))).toHaveLength(3);
    expect(paths.find((p) => p.startsWith('repos/_github~'))).toBeDefined();
    expect(paths.find((p) => p.startsWith('repos/con~'))).toBeDefined();
    // Database names are exact: `Sales` and `sales` are two, so two files even where a file system ignores case.
    const databases = paths.filter((p) => p.startsWith('postgres/default/databases/'));
    expect(databases).toHaveLength(3);
    expect(new Set(databases.map((p) => p.toLowerCase())).size).toBe(3);
    expect(databases.every((p) => /^postgres\/default\/databases\/[A-Za-z0-9_][A-Za-z0-9._~-]*\.yml$/.test(p))).toBe(true);
    expect(databases.find((p) => p.startsWith('postgres/default/databases/weird-..-name~'))).toBeDefined();
    expect(safeSegment('weird/../name')).not.toContain('/');
    expect(safeSegment('a/b')).not.toBe(safeSegment('a-b'));
  });

  it('quotes what YAML would read as another type', () => {
    const files = render([
      live('github.variable', 'api/A', { value: '0123' }),
      live('github.variable', 'api/B', { value: 'yes' }),
      live('github.variable', 'api/C', { value: 'null' }),
      live('github.variable', 'api/D', { value: '1e3' }),
      live('github.variable', 'api/E', { value: ' padded ' }),
      live('github.variable', 'api/F', { value: 'two\nlines\n' }),
      live('github.variable', 'api/G', { value: '# not a comment' }),
      live('github.label', 'api/123', { color: '123456', description: '' }),
    ]);
    const docs = jsYaml.loadAll(files.get('repos/api.yml')!, undefined, { schema: jsYaml.CORE_SCHEMA }) as Array<{ name: string; spec: Record<string, unknown> }>;
    expect(docs.map((d) => [d.name, d.spec])).toEqual([
      ['api/123', { color: '123456' }],
      ['api/A', { value: '0123' }],
      ['api/B', { value: 'yes' }],
      ['api/C', { value: 'null' }],
      ['api/D', { value: '1e3' }],
      ['api/E', { value: ' padded ' }],
      ['api/F', { value: 'two\nlines\n' }],
      ['api/G', { value: '# not a comment' }],
    ]);
  });

  it('fails loudly, naming the resource, when a live spec would not pass the kind schema', () => {
    expect(() => render([live('github.label', 'api/bug', { color: 'not a color' })])).toThrow(ImportRenderError);
    expect(() => render([live('github.label', 'api/bug', { color: 'not a color' })])).toThrow(expect.objectContaining({ code: 'internal', resource: 'github.label/api/bug' }));
    expect(() => render([live('github.label', 'api/bug', { color: 'not a color' })])).toThrow(/github\.label\/api\/bug: the imported spec does not pass the github\.label schema \(color:/);
    expect(() => render([live('github.nope', 'x', {})])).toThrow(/no provider has kind github\.nope/);
  });

  it('writes files every document of which passes the committed JSON Schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const files = render([...sample(), live('github.branch-protection', 'api/release/*', { requiredReviews: { approvals: 2 }, enforceAdmins: true, requiredStatusChecks: null, restrictions: null })]);
    const validResource = ajv.compile(JSON.parse(files.get(RESOURCES_SCHEMA_PATH)!));
    const validSettings = ajv.compile(JSON.parse(files.get(SETTINGS_SCHEMA_PATH)!));
    expect(validSettings(jsYaml.load(files.get('converge.yml')!)), ajv.errorsText(validSettings.errors)).toBe(true);
    let documents = 0;
    for (const [path, text] of files) {
      if (!path.endsWith('.yml') || path === 'converge.yml') continue;
      for (const doc of jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA })) {
        documents++;
        expect(validResource(doc), `${path}: ${JSON.stringify(doc)}\n${ajv.errorsText(validResource.errors)}`).toBe(true);
      }
    }
    expect(documents).toBe(sample().length + 1);
  });

  it('knows the creation defaults of every kind whose fields are all optional', () => {
    // Without them an import would write every field of such a kind, however default.
    const missing = registry.kinds().filter((k) => k.spec.safeParse({}).success && !k.importDefaults).map((k) => k.kind);
    expect(missing).toEqual([]);
  });
});
