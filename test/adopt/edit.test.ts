import { describe, expect, it } from 'vitest';
import { AdoptEditError, appendDocument, editResource } from '../../src/adopt/edit.js';
import { changedLines, keepOriginalLines } from '../../src/adopt/lines.js';

const REPO = { kind: 'github.repository', name: 'api' };

const file = `# yaml-language-server: $schema=../.converge/converge-resources.schema.json
# The public API: owned by platform.
kind: github.repository
name: api
owners: ["@acme/platform"]
spec:
  description: "Public API"   # shown on the org page
  topics: [api, public]
  features:
    wiki: true    # the runbook lives here
    issues: true
---
kind: github.label
name: api/bug
spec: {color: d73a4a}  # GitHub's red
---
# Kept for the triage bot.
kind: github.label
name: api/triage
spec:
  color: 'aaaaaa'
  description: Needs a look
`;

const diffOf = (ref: { kind: string; name: string }, fields: Array<{ path: string[]; value: unknown }>) => changedLines(file, editResource('repos/api.yml', file, ref, fields));

describe('editing one field of a resource document', () => {
  it('changes only the scalar line, keeping its quoting and trailing comment', () => {
    expect(diffOf(REPO, [{ path: ['description'], value: 'changed in the UI' }])).toEqual(['-  description: "Public API"   # shown on the org page', '+  description: "changed in the UI"   # shown on the org page']);
  });

  it('changes a nested field (features.wiki) and nothing around it', () => {
    expect(diffOf(REPO, [{ path: ['features', 'wiki'], value: false }])).toEqual(['-    wiki: true    # the runbook lives here', '+    wiki: false    # the runbook lives here']);
  });

  it('replaces a list whole, in the flow style it was written in', () => {
    expect(diffOf(REPO, [{ path: ['topics'], value: ['api', 'internal'] }])).toEqual(['-  topics: [api, public]', '+  topics: [ api, internal ]']);
  });

  it('writes a field the resource did not set as one new line in its own spec', () => {
    expect(diffOf(REPO, [{ path: ['visibility'], value: 'private' }])).toEqual(['+  visibility: private']);
    expect(diffOf(REPO, [{ path: ['features', 'projects'], value: false }])).toEqual(['+    projects: false']);
  });

  it('edits a flow map in place', () => {
    expect(diffOf({ kind: 'github.label', name: 'api/bug' }, [{ path: ['color'], value: 'ffffff' }])).toEqual(['-spec: {color: d73a4a}  # GitHub\'s red', '+spec: {color: ffffff}  # GitHub\'s red']);
  });

  it('finds the document among several, and leaves the others byte for byte', () => {
    const out = editResource('repos/api.yml', file, { kind: 'github.label', name: 'api/triage' }, [{ path: ['color'], value: 'bbbbbb' }]);
    expect(changedLines(file, out)).toEqual(["-  color: 'aaaaaa'", "+  color: 'bbbbbb'"]);
    expect(out).toContain('# Kept for the triage bot.');
    expect(out.slice(0, out.indexOf('# Kept'))).toBe(file.slice(0, file.indexOf('# Kept')));
  });

  it('keeps every comment and the key order', () => {
    const out = editResource('repos/api.yml', file, REPO, [
      { path: ['description'], value: 'x' },
      { path: ['features', 'issues'], value: false },
    ]);
    const comments = (text: string) => text.split('\n').filter((l) => l.includes('#')).map((l) => l.slice(l.indexOf('#')));
    expect(comments(out)).toEqual(comments(file));
    expect(out.indexOf('description')).toBeLessThan(out.indexOf('topics'));
    expect(changedLines(file, out)).toHaveLength(4);
  });

  it('quotes a string that would read back as another type', () => {
    const out = editResource('repos/api.yml', file, { kind: 'github.label', name: 'api/triage' }, [{ path: ['description'], value: 'true' }]);
    expect(changedLines(file, out)).toEqual(['-  description: Needs a look', '+  description: "true"']);
  });

  it('leaves a folded block elsewhere in the document as it was written', () => {
    const folded = 'kind: github.repository\nname: web\nspec:\n  description: >-\n    A long\n    description\n  homepage: https://example.com\n';
    expect(changedLines(folded, editResource('repos/web.yml', folded, { kind: 'github.repository', name: 'web' }, [{ path: ['homepage'], value: 'https://example.org' }]))).toEqual(['-  homepage: https://example.com', '+  homepage: https://example.org']);
    expect(changedLines(folded, editResource('repos/web.yml', folded, { kind: 'github.repository', name: 'web' }, [{ path: ['description'], value: 'Short' }]))).toEqual(['-    A long', '-    description', '+    Short']);
  });

  it('keeps sequences flush with their key when the file writes them so', () => {
    const flush = 'kind: github.repository\nname: web\nspec:\n  topics:\n  - a\n  - b\n  description: x\n';
    expect(changedLines(flush, editResource('repos/web.yml', flush, { kind: 'github.repository', name: 'web' }, [{ path: ['description'], value: 'y' }]))).toEqual(['-  description: x', '+  description: y']);
  });

  it('names the file and the resource when the document is not there', () => {
    expect(() => editResource('repos/api.yml', file, { kind: 'github.repository', name: 'web' }, [])).toThrow(AdoptEditError);
    expect(() => editResource('repos/api.yml', file, { kind: 'github.repository', name: 'web' }, [])).toThrow('repos/api.yml: no document declares github.repository/web.');
    expect(() => editResource('bad.yml', 'kind: [', REPO, [])).toThrow('bad.yml: the file does not parse');
  });
});

describe('appending a document', () => {
  it('adds it after a separator, or makes it the whole new file', () => {
    expect(appendDocument('kind: a\n', 'kind: b\n')).toBe('kind: a\n---\nkind: b\n');
    expect(appendDocument('kind: a', 'kind: b\n')).toBe('kind: a\n---\nkind: b\n');
    expect(appendDocument(undefined, 'kind: b\n')).toBe('kind: b\n');
  });
});

describe('keeping original lines', () => {
  it('takes back lines that differ only in spacing, and keeps real changes', () => {
    expect(keepOriginalLines('a:  1   # c\nb: {x: 1}\n', 'a: 1 # c\nb: { x: 2 }\n')).toBe('a:  1   # c\nb: { x: 2 }\n');
  });
});
