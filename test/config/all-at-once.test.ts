import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { Registry } from '../../src/core/registry.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';

const registry = new Registry([memoryProvider(new MemoryTarget())]);
const load = (files: Record<string, string>) => loadModel(new Map(Object.entries({ 'converge.yml': 'providers:\n  mem: {}\n', ...files })), registry);
const found = (files: Record<string, string>) => load(files).diagnostics.map((d) => [d.code, `${d.location?.file}:${d.location?.line}`]);

describe('every problem of the repo in one load', () => {
  it('reports a duplicate together with a schema error elsewhere', () => {
    expect(
      found({
        'a.yml': 'kind: mem.widget\nname: x\n',
        'b.yml': 'kind: mem.widget\nname: y\nspec:\n  size: big\n',
        'c.yml': 'kind: mem.widget\nname: x\n',
      }),
    ).toEqual([
      ['schema.invalid', 'b.yml:4'],
      ['resource.duplicate', 'c.yml:1'],
    ]);
  });

  it('reports the second declaration as a duplicate when the first has a schema error, naming both places', () => {
    const model = load({
      'a.yml': '# first\nkind: mem.widget\nname: x\nspec:\n  size: -1\n',
      'b.yml': 'kind: mem.widget\nname: y\n---\nkind: mem.widget\nname: x\n',
    });
    expect(model.diagnostics.map((d) => [d.code, `${d.location?.file}:${d.location?.line}`])).toEqual([
      ['schema.invalid', 'a.yml:5'],
      ['resource.duplicate', 'b.yml:4'],
    ]);
    expect(model.diagnostics[1]!.message).toBe('mem.widget/x is declared twice: first at a.yml:2, again at b.yml:4.');
    // Neither declaration loads: the second is not taken for the one the first meant.
    expect(model.resources.map((r) => r.name)).toEqual(['y']);
  });

  it('reports a duplicate of a declaration whose envelope is broken, and the spec problems of both', () => {
    const model = load({
      'a.yml': 'kind: mem.widget\nname: x\nowner: [alice]\nspec:\n  size: big\n',
      'b.yml': 'kind: mem.widget\nname: x\nspec:\n  colour: red\n',
    });
    expect(model.diagnostics.map((d) => [d.code, `${d.location?.file}:${d.location?.line}`])).toEqual([
      ['schema.unknown-field', 'a.yml:3'],
      ['schema.invalid', 'a.yml:5'],
      ['resource.duplicate', 'b.yml:1'],
      ['schema.unknown-field', 'b.yml:4'],
    ]);
    expect(model.resources).toEqual([]);
  });

  it('reports a previous name that a declaration with a schema error also holds', () => {
    expect(
      found({
        'a.yml': 'kind: mem.widget\nname: old\nspec:\n  size: big\n',
        'b.yml': 'kind: mem.widget\nname: new\npreviousNames: [old]\n',
      }),
    ).toEqual([
      ['schema.invalid', 'a.yml:4'],
      ['resource.previous-name-declared', 'b.yml:1'],
    ]);
  });

  it('orders every problem by file, then line, whichever step found it', () => {
    expect(
      found({
        'z.yml': 'kind: mem.widget\nname: a\nspec:\n  colour: red\n---\nkind: mem.sprocket\nname: b\n',
        'm.yml': 'kind: mem.widget\nname: a\n---\nkind: mem.gadget\nname: g\npreviousNames: [f]\n---\nkind: mem.widget\nname: c\nspec: { size: x }\n',
        'converge.yml': 'providers:\n  mem: {}\nprune:\n  enabeld: true\n',
      }),
    ).toEqual([
      ['schema.unknown-field', 'converge.yml:4'],
      ['resource.rename-unsupported', 'm.yml:6'],
      ['schema.invalid', 'm.yml:10'],
      ['resource.duplicate', 'z.yml:1'],
      ['schema.unknown-field', 'z.yml:4'],
      ['resource.unknown-kind', 'z.yml:6'],
    ]);
  });

  it('names the file and the resource in every message about a resource', () => {
    const model = load({
      'w.yml': [
        'kind: mem.widget\nname: a\nspec: { size: big }',
        'kind: mem.sprocket\nname: b',
        'kind: mem.gadget\nname: c\npreviousNames: [d]',
        'kind: mem.widget\nname: e\nlifecycle: { retian: true }',
        'kind: mem.widget\nname: a',
      ].join('\n---\n'),
    });
    expect(model.diagnostics).toHaveLength(5);
    for (const d of model.diagnostics) {
      expect(d.message).toContain('w.yml');
      expect(d.message).toContain(d.resource!);
    }
  });
});
