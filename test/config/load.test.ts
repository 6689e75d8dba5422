import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { Registry } from '../../src/core/registry.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';

const registry = new Registry([memoryProvider(new MemoryTarget())]);
const config = 'providers:\n  mem: {}\n';
const load = (files: Record<string, string>) => loadModel(new Map(Object.entries({ 'converge.yml': config, ...files })), registry);

describe('loading the config repo', () => {
  it('loads resources from several documents per file with their lines', () => {
    const model = load({
      'widgets/a.yml': 'kind: mem.widget\nname: one\nspec:\n  size: 1\n---\nkind: mem.widget\nname: two\nspec:\n  color: red\n',
    });
    expect(model.diagnostics).toEqual([]);
    expect(model.resources.map((r) => [r.name, r.source.file, r.source.line])).toEqual([
      ['one', 'widgets/a.yml', 1],
      ['two', 'widgets/a.yml', 6],
    ]);
  });

  it('reports a YAML syntax error with file, line and column', () => {
    const model = load({ 'bad.yml': 'kind: mem.widget\nname: x\nspec:\n  size: [1, 2\n' });
    const [d] = model.diagnostics;
    expect(d).toMatchObject({ severity: 'error', code: 'yaml.syntax', location: { file: 'bad.yml' } });
    expect(d!.location!.line).toBeGreaterThanOrEqual(4);
    expect(d!.message).toContain('bad.yml');
  });

  it('points an unknown field at the line of the key', () => {
    const model = load({ 'w.yml': 'kind: mem.widget\nname: x\nspec:\n  size: 1\n  colour: red\n' });
    expect(model.diagnostics).toEqual([
      expect.objectContaining({ code: 'schema.unknown-field', location: expect.objectContaining({ file: 'w.yml', line: 5, column: 3 }) }),
    ]);
    expect(model.diagnostics[0]!.message).toContain('spec.colour');
  });

  it('names a wrong type and a missing envelope field', () => {
    const model = load({ 'w.yml': 'kind: mem.widget\nname: x\nspec:\n  size: big\n---\nkind: mem.widget\nspec: {}\n' });
    expect(model.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([
      ['schema.invalid', 4],
      ['schema.missing-field', 6],
    ]);
    expect(model.diagnostics[1]!.message).toContain('"name" is required');
  });

  it('rejects unknown kinds, listing the known ones', () => {
    const model = load({ 'w.yml': 'kind: mem.sprocket\nname: x\n' });
    expect(model.diagnostics[0]).toMatchObject({ code: 'resource.unknown-kind', location: { line: 1 } });
    expect(model.diagnostics[0]!.message).toContain('mem.widget');
  });

  it('rejects the same resource declared twice, naming the first place', () => {
    const model = load({ 'a.yml': 'kind: mem.widget\nname: x\n', 'b.yml': 'kind: mem.widget\nname: x\n' });
    expect(model.resources).toHaveLength(1);
    expect(model.diagnostics[0]).toMatchObject({ code: 'resource.duplicate', location: { file: 'b.yml', line: 1 } });
    expect(model.diagnostics[0]!.message).toContain('a.yml:1');
  });

  it('reports files that are not YAML text or not resources', () => {
    const model = load({ 'bin.yml': 'abc\u0000def', 'list.yml': '- a\n- b\n' });
    expect(model.diagnostics.map((d) => d.code).sort()).toEqual(['document.not-a-mapping', 'file.not-yaml']);
  });

  it('never throws on hostile input', () => {
    const inputs = ['*a', '&a [*a, *a]', ': : :', '{{{', 'kind: [1]', '---\n---\n', '\t\tfoo', 'a: !!binary x'];
    for (const text of inputs) expect(() => load({ 'x.yml': text })).not.toThrow();
  });

  it('applies defaults by selector; the resource wins, then higher priority', () => {
    const model = load({
      'defaults.yml': [
        'kind: defaults\nname: all\nselector: { kind: mem.widget }\nspec: { size: 1, color: grey, nested: { a: x, b: true } }',
        'kind: defaults\nname: svc\nselector: { kind: mem.widget, names: ["svc-*"] }\npriority: 10\nspec: { color: blue }',
      ].join('\n---\n'),
      'w.yml': 'kind: mem.widget\nname: svc-a\nspec: { nested: { a: own } }\n---\nkind: mem.widget\nname: other\nspec: { size: 3 }\n',
    });
    expect(model.diagnostics).toEqual([]);
    expect(model.byKey.get('mem.widget/svc-a')!.spec).toEqual({ size: 1, color: 'blue', nested: { a: 'own', b: true } });
    expect(model.byKey.get('mem.widget/other')!.spec).toEqual({ size: 3, color: 'grey', nested: { a: 'x', b: true } });
    expect(model.byKey.get('mem.widget/svc-a')!.dependsOn).toEqual(['defaults.yml']);
  });

  it('knows which resources a shared defaults file affects', () => {
    const model = load({
      'defaults.yml': 'kind: defaults\nname: svc\nselector: { kind: mem.widget, names: ["svc-*"] }\nspec: { size: 2 }\n',
      'a.yml': 'kind: mem.widget\nname: svc-a\n',
      'b.yml': 'kind: mem.widget\nname: web\n',
    });
    expect([...model.affectedBy(['defaults.yml'])]).toEqual(['mem.widget/svc-a']);
    expect([...model.affectedBy(['b.yml'])]).toEqual(['mem.widget/web']);
  });

  it('locates a bad value coming from defaults at the defaults file', () => {
    const model = load({
      'defaults.yml': 'kind: defaults\nname: all\nselector: { kind: mem.widget }\nspec: { size: -1 }\n',
      'a.yml': 'kind: mem.widget\nname: a\n',
    });
    expect(model.diagnostics[0]!.location!.file).toBe('defaults.yml');
  });

  it('rejects previousNames on kinds that cannot be renamed', () => {
    const model = load({ 'g.yml': 'kind: mem.gadget\nname: b\npreviousNames: [a]\n' });
    expect(model.diagnostics[0]!.code).toBe('resource.rename-unsupported');
  });

  it('validates converge.yml and names unknown providers, all in one load', () => {
    const model = loadModel(new Map([['converge.yml', 'providers:\n  nope: {}\nprune:\n  enabeld: true\n']]), registry);
    expect(model.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([
      ['settings.unknown-provider', 2],
      ['schema.unknown-field', 4],
    ]);
    const second = loadModel(new Map([['converge.yml', 'providers:\n  nope: {}\n']]), registry);
    expect(second.diagnostics[0]).toMatchObject({ code: 'settings.unknown-provider', location: { line: 2 } });
  });

  it('ignores files outside include and inside exclude', () => {
    const model = load({ '.github/workflows/ci.yml': 'on: push\n', 'README.md': '# hi', 'a.yml': 'kind: mem.widget\nname: a\n' });
    expect(model.diagnostics).toEqual([]);
    expect(model.resources).toHaveLength(1);
  });
});
