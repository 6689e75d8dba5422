/**
 * The import's own test: a 500-repository org read in bulk and written as a config repo that
 * loads with no diagnostic and plans empty (a full run: no create, update, delete nor
 * extraneous resource) against the same org.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { runPlan } from '../../src/engine/run.js';
import { importLive, RESOURCES_SCHEMA_PATH } from '../../src/importer/index.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { githubFootprint } from '../../src/providers/github/index.js';
import { createRegistry } from '../../src/providers/index.js';
import { makeClient } from '../providers/github/helpers.js';
import { seedLargeOrg } from '../support/large-org.js';
import { installFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, silent } from '../support/harness.js';

const REPOS = 500;
const TEAMS = 50;
const registry = createRegistry();
const deps = (): ProviderDeps => ({ github: { client: makeClient(), owner: 'acme' }, env: {}, log: silent });
const seedOrg = (fake: FakeGitHub) => seedLargeOrg(fake, { repos: REPOS, teams: TEAMS });

/** A few of every kind with values a new resource would not have. */
async function seedUnusual(fake: FakeGitHub): Promise<void> {
  const client = makeClient();
  fake.addRepo({
    name: 'API-Gateway',
    description: 'The public API: "v2"',
    homepage: 'https://api.example.com',
    visibility: 'private',
    private: true,
    topics: ['platform', 'api'],
    has_wiki: false,
    has_discussions: true,
    allow_merge_commit: false,
    delete_branch_on_merge: true,
    labels: [{ name: 'kind/bug', color: '000000', description: 'Something is broken' }, { name: 'yes', color: '1e1e1e' }, { name: 'on hold', color: 'fbca04' }],
  });
  fake.addRepo({ name: '.github', archived: true });
  const platform = fake.addTeam({ name: 'Platform', description: 'Owns the platform', maintainers: ['alice'], members: ['bob'], notification_setting: 'notifications_disabled' });
  fake.addTeam({ name: 'platform-sre', parent: 'platform', members: ['dave'] } as Parameters<FakeGitHub['addTeam']>[0]);
  fake.addTeam({ name: 'open', privacy: 'closed' });
  platform.repos.set(fake.repo('API-Gateway').id, 'maintain');
  fake.setCollaborator('API-Gateway', 'dave', 'admin');
  fake.addProtection('API-Gateway', {
    pattern: 'release/*',
    requiresStatusChecks: true,
    requiresStrictStatusChecks: true,
    requiredStatusChecks: [{ context: 'lint', appId: null }],
    isAdminEnforced: true,
    requiresLinearHistory: true,
    requiresConversationResolution: true,
  });
  fake.addRuleset('API-Gateway', {
    name: 'protect main',
    enforcement: 'evaluate',
    conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
    bypass_actors: [{ actor_type: 'Team', actor_id: platform.id, bypass_mode: 'pull_request' }],
    rules: [{ type: 'non_fast_forward' }, { type: 'pull_request', parameters: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } }],
  });
  fake.addRuleset(undefined, {
    name: 'no force pushes',
    enforcement: 'active',
    conditions: { ref_name: { include: ['~ALL'], exclude: [] }, repository_name: { include: ['~ALL'], exclude: ['sandbox'] } },
    rules: [{ type: 'non_fast_forward' }],
  });
  fake.putEnvironment('API-Gateway', 'staging', { prevent_self_review: true, reviewers: [{ type: 'User', id: fake.members().find((u) => u.login === 'alice')!.id }] });
  await client.request('PUT /repos/{owner}/{repo}/environments/{environment_name}', {
    owner: 'acme',
    repo: 'API-Gateway',
    environment_name: 'release',
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  });
  for (const name of ['main', 'release/*']) {
    await client.request('POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', { owner: 'acme', repo: 'API-Gateway', environment_name: 'release', name });
  }
  fake.addVariable('API-Gateway', 'MULTILINE', 'line one\nline two: "quoted"\n');
  fake.addVariable('API-Gateway', 'NUMBERISH', '0123');
  const ids = [fake.repo('repo-0001').id, fake.repo('API-Gateway').id];
  await client.request('POST /orgs/{org}/actions/variables', { org: 'acme', name: 'DEPLOY_ENV', value: 'production', visibility: 'selected', selected_repository_ids: ids });
  await client.request('POST /orgs/{org}/actions/variables', { org: 'acme', name: 'REGION', value: 'eu-west-1', visibility: 'all' });
  await client.request('POST /orgs/{org}/actions/variables', { org: 'acme', name: 'QUIET', value: 'true', visibility: 'private' });
}

const fake = installFakeGitHub({ seed: seedOrg });

describe('converge import of an org', () => {
  it('writes a config repo of 500 repositories that plans empty against the same org', async () => {
    await seedUnusual(fake);
    fake.addRepo({ name: CONFIG_REPO, labels: ['converge-drift'] });
    fake.resetLog();
    const progress: string[] = [];
    const result = await importLive({ registry, providers: { github: {} }, deps: deps(), configRepo: CONFIG_REPO, onProgress: (p) => progress.push(p.kind) });
    const requests = fake.count();
    // For the bench: what an import of this org costs (a fresh cache: no 304s).
    console.log(`import of ${REPOS + 2} repositories: ${requests} requests (${fake.count({ kind: 'graphql' })} GraphQL, ${fake.count({ kind: 'rest' })} REST), ${result.resources} resources`);
    expect(result.failures).toEqual([]);
    expect(progress.sort()).toEqual(registry.kinds().filter((k) => k.kind.startsWith('github.')).map((k) => k.kind).sort());

    // One file per repository (the config repo's own is left out), per team, and the org's.
    const paths = [...result.files.keys()];
    expect(paths.filter((p) => p.startsWith('repos/'))).toHaveLength(REPOS + 2);
    expect(paths.filter((p) => p.startsWith('teams/'))).toHaveLength(TEAMS + 4);
    expect(paths).toContain('org/members.yml');
    expect(paths).not.toContain(`repos/${CONFIG_REPO}.yml`);
    expect(result.files.get(`repos/${CONFIG_REPO}.yml`)).toBeUndefined();
    expect([...result.files.values()].some((text) => text.includes(CONFIG_REPO))).toBe(false);

    const model = loadModel(result.files, registry);
    expect(model.diagnostics).toEqual([]);
    expect(model.resources).toHaveLength(result.resources);
    expect(model.config.prune.enabled).toBe(false);
    expect(model.config.drift.mode).toBe('report');

    fake.resetLog();
    const run = await runPlan({
      registry,
      head: model,
      changed: 'all',
      deps: deps(),
      full: true,
      footprint: githubFootprint(model.targets.get('github'), { owner: 'acme', configRepo: CONFIG_REPO }),
    });
    await run.sessions.closeAll();
    // The import reads as a full run does, in bulk: no request per resource beyond the full run's.
    expect(requests).toBeLessThanOrEqual(fake.count());
    expect(fake.count({ kind: 'graphql' })).toBeLessThan(20);
    expect(run.plan.readFailures).toEqual([]);
    expect(run.plan.diagnostics).toEqual([]);
    // Every declared resource is read and equal to its live state; nothing live is left undeclared.
    expect(run.plan.changes).toHaveLength(result.resources);
    expect(run.plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.kind}/${c.name}`)).toEqual([]);
  }, 120_000);

  it('writes only what differs from a new resource', async () => {
    await seedUnusual(fake);
    const { files, failures } = await importLive({ registry, providers: { github: {} }, deps: deps() });
    expect(failures).toEqual([]);
    // All defaults but the protection, the grants, the variable: a repository document with no spec.
    const plain = files.get('repos/repo-0003.yml')!;
    expect(plain.split('---\n')[0]).toBe('# yaml-language-server: $schema=../.converge/converge-resources.schema.json\nkind: github.repository\nname: repo-0003\n');
    expect(plain).toContain('kind: github.label\nname: repo-0003/bug\n---\n');
    expect(plain).not.toContain('ededed');
    expect(plain).toContain('kind: github.team-repository\nname: team-03/repo-0003\nspec:\n  permission: push\n');

    const api = files.get('repos/API-Gateway.yml')!;
    expect(api).toContain(
      [
        'kind: github.repository',
        'name: API-Gateway',
        'spec:',
        '  description: \'The public API: "v2"\'',
        '  homepage: https://api.example.com',
        '  visibility: private',
        '  features:',
        '    wiki: false',
        '    discussions: true',
        '  merge:',
        '    allowMergeCommit: false',
        '    deleteBranchOnMerge: true',
        '  topics:',
        '    - api',
        '    - platform',
        '',
      ].join('\n'),
    );
    // Quoted where YAML would read another type: a number, a boolean.
    expect(api).toContain('name: API-Gateway/kind/bug\nspec:\n  color: "000000"\n  description: Something is broken\n');
    expect(api).toContain('name: API-Gateway/NUMBERISH\nspec:\n  value: "0123"\n');
    expect(api).toContain('name: platform/API-Gateway\nspec:\n  permission: maintain\n');
    expect(files.get('teams/platform.yml')).toContain('spec:\n  name: Platform\n  description: Owns the platform\n  notifications: false\n  members:\n    - bob\n  maintainers:\n    - alice\n');
    // A child team is closed by default, a top-level one secret.
    expect(files.get('teams/platform-sre.yml')).toContain('spec:\n  parent: platform\n  members:\n    - dave\n');
    expect(files.get('teams/open.yml')).toContain('spec:\n  privacy: closed\n');
    expect(files.get('org/variables.yml')).toContain('name: QUIET\nspec:\n  value: "true"\n---\n');
    expect(files.get('org/members.yml')).toContain('name: alice\nspec:\n  role: admin\n');
    expect(files.get('org/members.yml')).toContain('name: bob\n');
    expect(files.get('org/rulesets.yml')).toContain('name: no force pushes\n');
    // Every document passes the JSON Schema the files point editors at.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const valid = ajv.compile(JSON.parse(files.get(RESOURCES_SCHEMA_PATH)!));
    for (const path of ['repos/API-Gateway.yml', 'teams/platform.yml', 'teams/platform-sre.yml', 'org/members.yml', 'org/variables.yml', 'org/rulesets.yml', 'repos/repo-0000.yml']) {
      for (const doc of jsYaml.loadAll(files.get(path)!, undefined, { schema: jsYaml.CORE_SCHEMA })) {
        expect(valid(doc), `${path}: ${JSON.stringify(doc)}\n${ajv.errorsText(valid.errors)}`).toBe(true);
      }
    }
    // `.github` would be a hidden file: it gets a visible name, still unique.
    expect([...files.keys()].filter((p) => p.startsWith('repos/_github~'))).toHaveLength(1);
  }, 60_000);
});
