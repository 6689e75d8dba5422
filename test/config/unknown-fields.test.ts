import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadModel } from '../../src/config/load.js';
import { Registry } from '../../src/core/registry.js';
import { hostileRegistry } from '../hostile/run.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';

const registry = new Registry([memoryProvider(new MemoryTarget())]);
const config = 'providers:\n  mem: {}\n';
const messages = (files: Record<string, string>, reg = registry) =>
  loadModel(new Map(Object.entries({ 'converge.yml': config, ...files })), reg).diagnostics.map((d) => d.message);

describe('an unknown field names the one that was meant', () => {
  it('in a resource spec, at any depth', () => {
    expect(messages({ 'w.yml': 'kind: mem.widget\nname: x\nspec:\n  colr: red\n  nested:\n    bb: true\n' })).toEqual([
      'w.yml: mem.widget/x: unknown field "spec.colr"; did you mean "color"?',
      'w.yml: mem.widget/x: unknown field "spec.nested.bb"; did you mean "b"?',
    ]);
  });

  it('in a real provider schema, through optional fields, arrays and a discriminated union', () => {
    const files = {
      'r.yml': 'kind: github.repository\nname: api\nspec:\n  descripton: x\n',
      's.yml': 'kind: github.ruleset\nname: api/main\nspec:\n  bypassActors:\n    - { type: team, name: ops, mode: always, moed: x }\n',
    };
    const found = loadModel(new Map(Object.entries({ 'converge.yml': 'providers:\n  github: {}\n', ...files })), hostileRegistry).diagnostics.map((d) => d.message);
    expect(found).toEqual([
      'r.yml: github.repository/api: unknown field "spec.descripton"; did you mean "description"?',
      's.yml: github.ruleset/api/main: unknown field "spec.bypassActors[0].moed"; did you mean "mode"?',
    ]);
  });

  it('in a field set by defaults, at the defaults file', () => {
    const model = loadModel(
      new Map([
        ['converge.yml', config],
        ['d.yml', 'kind: defaults\nname: all\nselector: { kind: mem.widget }\nspec:\n  sise: 1\n'],
        ['w.yml', 'kind: mem.widget\nname: x\n'],
      ]),
      registry,
    );
    expect(model.diagnostics).toEqual([
      expect.objectContaining({ location: expect.objectContaining({ file: 'd.yml' }), message: 'w.yml: mem.widget/x: unknown field "spec.sise"; did you mean "size"?' }),
    ]);
  });

  it('in the envelope of a resource and of a defaults document', () => {
    expect(
      messages({
        'w.yml': 'kind: mem.widget\nname: x\nowner: [alice]\n---\nkind: defaults\nname: all\nselecter: { kind: mem.widget }\nprority: 1\nspec: {}\n',
      }),
    ).toEqual([
      'w.yml: mem.widget/x: unknown field "owner"; did you mean "owners"?',
      'w.yml: defaults "all": "selector" is required (expected object).',
      'w.yml: defaults "all": unknown field "selecter"; did you mean "selector"?',
      'w.yml: defaults "all": unknown field "prority"; did you mean "priority"?',
    ]);
    expect(messages({ 'w.yml': 'kind: mem.widget\nnmae: x\n' })).toContain('w.yml: mem.widget document 1: unknown field "nmae"; did you mean "name"?');
  });

  it('in converge.yml', () => {
    const found = loadModel(new Map([['converge.yml', `${config}drift:\n  mdoe: revert\nplans:\n  forkz: true\n`]]), registry).diagnostics.map((d) => d.message);
    expect(found).toEqual(['converge.yml: unknown field "drift.mdoe"; did you mean "mode"?', 'converge.yml: unknown field "plans.forkz"; did you mean "forks"?']);
  });

  it('lists the known fields when none is close, and only when they are few', () => {
    expect(messages({ 'w.yml': 'kind: mem.widget\nname: x\nspec:\n  weight: 3\n' })).toEqual([
      'w.yml: mem.widget/x: unknown field "spec.weight"; known fields: size, color, tags, nested.',
    ]);
    const fields = Object.fromEntries('abcdefghijklm'.split('').map((c) => [`field${c.toUpperCase()}`, z.string().optional()]));
    const wide = new Registry([{ ...memoryProvider(new MemoryTarget()), kinds: [{ kind: 'mem.wide', description: 'Thirteen fields', spec: z.strictObject(fields), renamable: false }] }]);
    expect(messages({ 'w.yml': 'kind: mem.wide\nname: x\nspec:\n  weight: 3\n' }, wide)).toEqual(['w.yml: mem.wide/x: unknown field "spec.weight".']);
  });

  it('says when a place takes no fields at all', () => {
    const found = loadModel(new Map([['converge.yml', 'providers:\n  mem: { org: acme }\n']]), registry).diagnostics.map((d) => d.message);
    expect(found).toEqual(['converge.yml provider mem: unknown field "providers.mem.org"; no fields are allowed here.']);
  });

  it('suggests a kind for an unknown kind of a resource or of defaults', () => {
    expect(messages({ 'w.yml': 'kind: mem.widgit\nname: x\n---\nkind: defaults\nname: d\nselector: { kind: mem.gadgte }\nspec: {}\n' })).toEqual([
      'w.yml: mem.widgit/x: unknown kind "mem.widgit"; did you mean "mem.widget"?',
      'w.yml: defaults "d" select unknown kind "mem.gadgte"; did you mean "mem.gadget"?',
    ]);
  });
});
