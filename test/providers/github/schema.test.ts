import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BranchProtection,
  Environment,
  githubBulkReaders,
  githubKinds,
  githubProvider,
  GitHubSettings,
  type GitHubKind,
  Label,
  OrgRuleset,
  OrgVariable,
  Repository,
  Ruleset,
  Team,
} from '../../../src/providers/github/index.js';
import { labelNameProblem, loginProblem, repositoryNameProblem, slugOf, splitLabelName, variableNameProblem } from '../../../src/providers/github/shared/names.js';

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

describe('the organization kinds\' specs', () => {
  it('normalise logins and slugs to lower case, lists to sorted sets, and leave out what is not set', () => {
    expect(Team.parse({ members: ['Bob', 'alice', 'bob'], parent: 'Platform' })).toEqual({ members: ['alice', 'bob'], parent: 'platform' });
    expect(Team.parse({})).toEqual({});
    expect(BranchProtection.parse({ requiredStatusChecks: { checks: ['lint', { context: 'build', app: 'CI' }, 'lint'] }, restrictions: null })).toEqual({
      requiredStatusChecks: { checks: [{ context: 'build', app: 'ci' }, { context: 'lint' }] },
      restrictions: null,
    });
    expect(Environment.parse({ reviewers: { teams: ['Ops'] }, deploymentBranches: { patterns: ['release/*', 'main', 'main'] } })).toEqual({
      reviewers: { teams: ['ops'] },
      deploymentBranches: { patterns: ['main', 'release/*'] },
    });
    expect(Ruleset.parse({ rules: [{ type: 'pull_request', parameters: {} }, { type: 'deletion' }], bypassActors: [{ type: 'team', name: 'Ops' }, { type: 'role', name: 'admin' }] })).toEqual({
      rules: [{ type: 'deletion' }, { type: 'pull_request' }],
      bypassActors: [
        { type: 'role', name: 'admin', mode: 'always' },
        { type: 'team', name: 'ops', mode: 'always' },
      ],
    });
  });

  it('refuse what GitHub would refuse, with a sentence', () => {
    const message = (result: { error?: { issues: Array<{ message: string }> } }) => result.error?.issues[0]?.message;
    expect(message(Team.safeParse({ members: ['a'], maintainers: ['a'] }))).toBe('a cannot be both a member and a maintainer: list them once');
    expect(message(Team.safeParse({ privacy: 'secret', parent: 'x' }))).toMatch(/cannot be secret/);
    expect(Team.safeParse({ privacy: 'visible' }).success).toBe(false);
    expect(message(Environment.safeParse({ reviewers: { users: ['a', 'b', 'c', 'd'], teams: ['e', 'f', 'g'] } }))).toMatch(/at most 6/);
    expect(Environment.safeParse({ waitTimer: 50_000 }).success).toBe(false);
    expect(message(OrgVariable.safeParse({ value: 'x', visibility: 'all', repositories: ['api'] }))).toMatch(/only be listed with visibility: selected/);
    expect(message(OrgRuleset.safeParse({ enforcement: 'active' }))).toMatch(/needs conditions.repositoryName/);
    expect(message(Ruleset.safeParse({ rules: [{ type: 'deletion' }, { type: 'deletion' }] }))).toMatch(/listed twice/);
    expect(Ruleset.safeParse({ rules: [{ type: 'no_such_rule' }] }).success).toBe(false);
    expect(BranchProtection.safeParse({ requiredReviews: { approvals: 7 } }).success).toBe(false);
    expect(BranchProtection.safeParse({ requiredReviews: { count: 1 } }).success).toBe(false);
  });

  it('check names before anything is read', () => {
    expect(loginProblem('octocat')).toBeUndefined();
    expect(loginProblem('OctoCat')).toMatch(/lower case/);
    expect(loginProblem('-x')).toMatch(/not a GitHub login/);
    expect(variableNameProblem('REGION')).toBeUndefined();
    expect(variableNameProblem('region')).toMatch(/upper case/);
    expect(variableNameProblem('GITHUB_TOKEN')).toMatch(/GITHUB_/);
    expect(slugOf('Platform Team')).toBe('platform-team');
    expect(slugOf('Équipe  R&D!')).toBe('equipe-r-d');
    const kind = (name: string) => githubKinds.find((k) => k.kind === name)!;
    expect(kind('github.collaborator').validateName!('api/octocat')).toBeUndefined();
    expect(kind('github.collaborator').validateName!('api')).toMatch(/<repository>\/<login>/);
    expect(kind('github.team-repository').validateName!('Platform/api')).toMatch(/not a team slug/);
    expect(kind('github.branch-protection').validateName!('api/release/*')).toBeUndefined();
    expect(kind('github.variable').validateName!('api/lower')).toMatch(/upper case/);
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
  it('lists its kinds in dependency order, every one renamable but read-only members', () => {
    expect(githubProvider.kinds.map((k) => k.kind)).toEqual([
      'github.repository',
      'github.label',
      'github.member',
      'github.team',
      'github.team-repository',
      'github.collaborator',
      'github.branch-protection',
      'github.ruleset',
      'github.org-ruleset',
      'github.environment',
      'github.variable',
      'github.org-variable',
    ]);
    for (const kind of githubProvider.kinds) expect(kind.renamable, kind.kind).toBe(kind.kind !== 'github.member');
  });

  it('reads every kind in bulk', () => {
    const bulk = new Set(githubBulkReaders.flatMap((r) => r.kinds));
    for (const kind of githubKinds) expect(bulk, kind.kind).toContain(kind.kind);
  });

  it('has a folder per kind besides shared/, each registered', () => {
    const root = fileURLToPath(new URL('../../../src/providers/github/', import.meta.url));
    const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'shared').map((d) => d.name);
    expect(folders.map((f) => `github.${f}`).sort()).toEqual(githubKinds.map((k) => k.kind).sort());
  });

  it('has every kind folder export one complete kind object: the registered one, read, apply, and a bulk read that yields it', async () => {
    const root = fileURLToPath(new URL('../../../src/providers/github/', import.meta.url));
    const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'shared').map((d) => d.name);
    const yielded = new Set(githubBulkReaders.flatMap((r) => r.kinds));
    for (const folder of folders) {
      const exports: Record<string, unknown> = await import(`../../../src/providers/github/${folder}/index.ts`);
      const described = Object.values(exports).filter((value): value is GitHubKind => typeof value === 'object' && value !== null && 'kind' in value && 'spec' in value);
      expect(described.map((k) => k.kind), folder).toEqual([`github.${folder}`]);
      const kind = described[0]!;
      expect(githubKinds, folder).toContain(kind);
      expect(typeof kind.read, folder).toBe('function');
      expect(typeof kind.apply, folder).toBe('function');
      expect(typeof kind.bulkRead?.readAll, folder).toBe('function');
      expect(yielded, folder).toContain(kind.kind);
    }
  });

  it('gives kinds that share a bulk read one reader between them, in the order kinds first name it', () => {
    expect(githubBulkReaders.map((r) => r.kinds)).toEqual([
      ['github.repository', 'github.label', 'github.branch-protection'],
      ['github.member'],
      ['github.team', 'github.team-repository'],
      ['github.collaborator'],
      ['github.ruleset'],
      ['github.org-ruleset'],
      ['github.environment'],
      ['github.variable'],
      ['github.org-variable'],
    ]);
  });

  it('defaults target settings: org from the config repo owner, write spacing from the host', () => {
    expect(GitHubSettings.parse({})).toEqual({ readConcurrency: 8 });
    expect(GitHubSettings.parse({ writeSpacingMs: 0 })).toEqual({ writeSpacingMs: 0, readConcurrency: 8 });
    expect(GitHubSettings.safeParse({ organisation: 'x' }).success).toBe(false);
  });
});
