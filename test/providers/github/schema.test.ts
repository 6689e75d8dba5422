import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { githubBulkReaders, githubKinds, githubProvider, GitHubSettings, Label, Repository } from '../../../src/providers/github/index.js';
import { labelNameProblem, repositoryNameProblem, splitLabelName } from '../../../src/providers/github/names.js';

describe('github.repository spec', () => {
  it('normalises what users write into the shape reads report', () => {
    expect(
      Repository.parse({
        description: null,
        topics: ['Platform', ' api ', 'platform'],
        features: { discussions: true },
      }),
    ).toEqual({ description: '', topics: ['api', 'platform'], features: { discussions: true } });
  });

  it('leaves out every field the user did not set', () => {
    expect(Repository.parse({})).toEqual({});
  });

  it('rejects unknown fields, also nested ones', () => {
    const result = Repository.safeParse({ descripton: 'x', merge: { squash: true } });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.code, i.path.join('.'), 'keys' in i ? i.keys : []]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['unrecognized_keys', '', ['descripton']],
        ['unrecognized_keys', 'merge', ['squash']],
      ]),
    );
  });

  it('rejects topics GitHub would refuse, and more than 20', () => {
    expect(Repository.safeParse({ topics: ['no spaces'] }).success).toBe(false);
    expect(Repository.safeParse({ topics: Array.from({ length: 21 }, (_, i) => `t${i}`) }).success).toBe(false);
    expect(Repository.safeParse({ visibility: 'secret' }).success).toBe(false);
  });
});

describe('github.label spec', () => {
  it('stores colors lower-case without #', () => {
    expect(Label.parse({ color: '#D73A4A' })).toEqual({ color: 'd73a4a' });
    expect(Label.parse({ color: 'A2EEEF', description: null })).toEqual({ color: 'a2eeef', description: '' });
  });

  it('explains a color YAML read as a number', () => {
    const result = Label.safeParse({ color: 0 });
    expect(result.error?.issues[0]?.message).toMatch(/quoted 6-digit hex string/);
    expect(Label.safeParse({ color: 'red' }).success).toBe(false);
    expect(Label.safeParse({ colour: 'ffffff' }).success).toBe(false);
  });
});

describe('names', () => {
  it('checks GitHub repository names', () => {
    expect(repositoryNameProblem('my-repo.v2_x')).toBeUndefined();
    expect(repositoryNameProblem('has space')).toMatch(/not a valid repository name/);
    expect(repositoryNameProblem('a/b')).toMatch(/not a valid repository name/);
    expect(repositoryNameProblem('..')).toMatch(/not a valid/);
    expect(repositoryNameProblem('x'.repeat(101))).toMatch(/1 to 100/);
    expect(repositoryNameProblem('code.git')).toMatch(/\.git/);
  });

  it('splits a label name at the first slash: labels may contain slashes, repositories not', () => {
    expect(splitLabelName('api/area/ci')).toEqual({ repo: 'api', label: 'area/ci' });
    expect(splitLabelName('api')).toBeUndefined();
    expect(labelNameProblem('api/area/ci')).toBeUndefined();
    expect(labelNameProblem('bug')).toMatch(/<repository>\/<label>/);
    expect(labelNameProblem('bad repo/bug')).toMatch(/not a valid repository name/);
    expect(labelNameProblem(`api/${'x'.repeat(51)}`)).toMatch(/50 characters/);
  });
});

describe('the github provider', () => {
  it('lists its kinds in dependency order, every one renamable and named', () => {
    expect(githubProvider.kinds.map((k) => k.kind)).toEqual(['github.repository', 'github.label']);
    for (const kind of githubProvider.kinds) expect(kind.renamable).toBe(true);
  });

  it('reads every kind in bulk', () => {
    const bulk = new Set(githubBulkReaders.flatMap((r) => r.kinds));
    for (const kind of githubKinds) expect(bulk, kind.kind).toContain(kind.kind);
  });

  it('has a folder per kind, each registered', () => {
    const root = fileURLToPath(new URL('../../../src/providers/github/', import.meta.url));
    const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.map((f) => `github.${f}`).sort()).toEqual(githubKinds.map((k) => k.kind).sort());
  });

  it('defaults target settings: org from the config repo owner, write spacing from the host', () => {
    expect(GitHubSettings.parse({})).toEqual({ readConcurrency: 8 });
    expect(GitHubSettings.parse({ writeSpacingMs: 0 })).toEqual({ writeSpacingMs: 0, readConcurrency: 8 });
    expect(GitHubSettings.safeParse({ organisation: 'x' }).success).toBe(false);
  });
});
