import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { Registry } from '../../src/core/registry.js';
import { selectChanged } from '../../src/engine/select.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';

const registry = new Registry([memoryProvider(new MemoryTarget())]);
const model = (files: Record<string, string>) => loadModel(new Map(Object.entries({ 'converge.yml': 'providers: { mem: {} }\n', ...files })), registry);
const widget = (name: string, extra = '') => `kind: mem.widget\nname: ${name}\n${extra}`;

describe('selecting what a commit touches', () => {
  const baseFiles: Record<string, string> = {
    'a.yml': widget('a'),
    'b.yml': widget('b'),
    'svc.yml': widget('svc-1') + '---\n' + widget('svc-2'),
    'defaults.yml': 'kind: defaults\nname: svc\nselector: { kind: mem.widget, names: ["svc-*"] }\nspec: { size: 1 }\n',
  };
  const base = model(baseFiles);
  const without = (path: string) => Object.fromEntries(Object.entries(baseFiles).filter(([p]) => p !== path));

  it('selects only resources declared in changed files', () => {
    const head = model({ ...baseFiles, 'a.yml': widget('a', 'spec: { size: 3 }\n') });
    const selection = selectChanged(head, base, ['a.yml']);
    expect(selection.desired.map((r) => r.name)).toEqual(['a']);
    expect(selection.removed).toEqual([]);
  });

  it('fans a changed defaults file out to every resource it applies to, old selector and new', () => {
    const head = model({ ...baseFiles, 'defaults.yml': 'kind: defaults\nname: svc\nselector: { kind: mem.widget, names: ["a"] }\nspec: { size: 2 }\n' });
    const selection = selectChanged(head, base, ['defaults.yml']);
    expect(selection.desired.map((r) => r.name).sort()).toEqual(['a', 'svc-1', 'svc-2']);
  });

  it('turns resources of a deleted file into removals', () => {
    const head = model(without('b.yml'));
    const selection = selectChanged(head, base, ['b.yml']);
    expect(selection.desired).toEqual([]);
    expect(selection.removed.map((r) => r.name)).toEqual(['b']);
  });

  it('follows a resource moved to another file without deleting it', () => {
    const head = model({ ...without('b.yml'), 'moved/b.yml': widget('b') });
    const selection = selectChanged(head, base, ['b.yml', 'moved/b.yml']);
    expect(selection.desired.map((r) => r.name)).toEqual(['b']);
    expect(selection.removed).toEqual([]);
  });

  it('does not delete a renamed resource', () => {
    const head = model({ ...baseFiles, 'b.yml': widget('b2', 'previousNames: [b]\n') });
    const selection = selectChanged(head, base, ['b.yml']);
    expect(selection.desired.map((r) => r.name)).toEqual(['b2']);
    expect(selection.removed).toEqual([]);
  });

  it('selects everything when converge.yml changes or on a first run', () => {
    expect(selectChanged(base, base, ['converge.yml']).desired).toHaveLength(4);
    expect(selectChanged(base, undefined, ['a.yml']).everything).toBe(true);
  });
});
