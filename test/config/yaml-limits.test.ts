import { describe, expect, it } from 'vitest';
import { MAX_ALIASES, MAX_LOCATE_BYTES } from '../../src/config/limits.js';
import { parseYamlFile, parseYamlFilePrecisely } from '../../src/config/yaml.js';

const parsers = { 'js-yaml (fast path)': parseYamlFile, 'yaml (precise path)': parseYamlFilePrecisely };

describe.each(Object.entries(parsers))('alias limits with %s', (_, parse) => {
  it('loads ordinary aliases', () => {
    const text = `common: &c { a: 1, b: [x, y] }\n${Array.from({ length: 300 }, (_, i) => `k${i}: *c`).join('\n')}\n`;
    const parsed = parse('a.yml', text);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.documents[0]!.values).toBeGreaterThan(300 * 5);
  });

  it(`rejects more than ${MAX_ALIASES} alias uses in a document`, () => {
    const text = `common: &c [1]\nlist: [${Array.from({ length: MAX_ALIASES + 1 }, () => '*c').join(', ')}]\n`;
    expect(parse('a.yml', text).diagnostics).toEqual([expect.objectContaining({ code: 'yaml.alias-limit', location: expect.objectContaining({ file: 'a.yml', line: 1 }) })]);
  });

  it('rejects aliases that copy more text than the file holds', () => {
    const text = `big: &s { v: "${'x'.repeat(20_000)}" }\nlist: [${Array.from({ length: 200 }, () => '*s').join(', ')}]\n`;
    const [d] = parse('a.yml', text).diagnostics;
    expect(d).toMatchObject({ code: 'yaml.alias-limit' });
    expect(d!.message).toContain('1 MiB');
  });

  it('rejects a document that refers to itself, and keeps the other documents', () => {
    const parsed = parse('a.yml', 'a: 1\n---\nb: &x\n  c: *x\n');
    expect(parsed.diagnostics).toEqual([expect.objectContaining({ code: 'yaml.alias-cycle', location: expect.objectContaining({ line: 3 }) })]);
    expect(parsed.documents.map((d) => d.value)).toEqual([{ a: 1 }]);
  });
});

describe('locating problems', () => {
  it('points into a later document of a file at its real line', () => {
    const text = 'kind: a\nspec: {}\n---\n# note\nkind: b\nspec:\n  deep:\n    field: 1\n';
    const [, second] = parseYamlFile('a.yml', text).documents;
    expect(second!.locate(['spec', 'deep', 'field'])).toMatchObject({ line: 8, column: 12 });
    expect(second!.locate(['spec'], 'deep')).toMatchObject({ line: 7, column: 3 });
  });

  it('points a problem in a huge document at its first line instead of re-parsing it', () => {
    const text = `kind: a\nspec:\n  list:\n${'    - item\n'.repeat(MAX_LOCATE_BYTES / 10)}`;
    const [doc] = parseYamlFile('a.yml', text).documents;
    expect(doc!.locate(['spec', 'list', 5])).toMatchObject({ line: 1 });
  });

  it('locates a syntax error in a large file from the fast parser alone', () => {
    const text = `${'# padding line\n'.repeat(MAX_LOCATE_BYTES / 10)}kind: a\nspec: [1, 2\n`;
    const [d] = parseYamlFile('a.yml', text).diagnostics;
    expect(d).toMatchObject({ code: 'yaml.syntax', location: { file: 'a.yml' } });
    expect(d!.location!.line).toBeGreaterThanOrEqual(text.split('\n').length - 2);
  });
});
