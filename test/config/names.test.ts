import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { hostileRegistry } from '../hostile/run.js';

const load = (files: Record<string, string>) => loadModel(new Map(Object.entries({ 'converge.yml': 'providers:\n  github: {}\n', ...files })), hostileRegistry);
const doc = (kind: string, name: string, spec = '{}') => `kind: ${kind}\nname: ${JSON.stringify(name)}\nspec: ${spec}\n`;
const duplicates = (kind: string, a: string, b: string, spec?: string) =>
  load({ 'a.yml': doc(kind, a, spec), 'b.yml': doc(kind, b, spec) }).diagnostics.filter((d) => d.code === 'resource.duplicate');

describe('names compared as GitHub compares them', () => {
  it('rejects the second of two names GitHub sees as one, naming the first', () => {
    const cases: Array<[string, string, string, string?]> = [
      ['github.repository', 'Api', 'api'],
      ['github.label', 'api/Bug', 'API/bug', '{ color: d73a4a }'],
      ['github.environment', 'api/Production', 'API/production'],
      ['github.team-repository', 'platform/Api', 'platform/api', '{ permission: push }'],
      ['github.collaborator', 'Api/octocat', 'api/octocat', '{ permission: push }'],
      ['github.variable', 'Api/REGION', 'api/REGION', '{ value: eu }'],
      ['github.branch-protection', 'Api/main', 'api/main'],
      ['github.ruleset', 'Api/protect main', 'api/protect main'],
    ];
    for (const [kind, first, second, spec] of cases) {
      const found = duplicates(kind, first, second, spec);
      expect(found, kind).toEqual([expect.objectContaining({ location: expect.objectContaining({ file: 'b.yml', line: 1 }) })]);
      expect(found[0]!.message).toContain(`first at a.yml:1 as "${first}"`);
    }
  });

  it('keeps names that only look alike apart where GitHub does', () => {
    expect(duplicates('github.branch-protection', 'api/Main', 'api/main')).toEqual([]);
    expect(duplicates('github.label', 'api/bug', 'api/bugs', '{ color: d73a4a }')).toEqual([]);
  });

  it('rejects a previous name that is another declared resource in other case', () => {
    const model = load({ 'a.yml': `${doc('github.repository', 'api')}previousNames: [Web]\n`, 'b.yml': doc('github.repository', 'web') });
    expect(model.diagnostics.map((d) => d.code)).toContain('resource.previous-name-declared');
  });

  it('allows a rename that only changes case', () => {
    const model = load({ 'a.yml': `${doc('github.repository', 'api')}previousNames: [API]\n` });
    expect(model.diagnostics).toEqual([]);
  });

  it('rejects line breaks and control characters in labels, environments and rulesets', () => {
    for (const [kind, name] of [['github.label', 'api/bad\nlabel'], ['github.label', 'api/tab\there'], ['github.environment', 'api/prod\r'], ['github.ruleset', 'api/a\u0007b'], ['github.org-ruleset', 'x\ny']]) {
      const model = load({ 'a.yml': doc(kind!, name!, kind === 'github.label' ? '{ color: d73a4a }' : '{}') });
      expect(model.diagnostics, name).toEqual([expect.objectContaining({ code: 'resource.name', location: expect.objectContaining({ line: 2 }) })]);
    }
    expect(load({ 'a.yml': doc('github.label', 'api/🧑‍💻 dev', '{ color: d73a4a }') }).diagnostics).toEqual([]);
  });
});
