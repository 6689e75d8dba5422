import { describe, expect, it } from 'vitest';
import { computePlan } from '../../../src/core/plan.js';
import type { ReadChoice } from '../../../src/core/provider.js';
import type { DesiredResource, ResourceRef } from '../../../src/core/resource.js';
import { githubKinds, LruEtagCache } from '../../../src/providers/github/index.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake } from './fake.js';

/** GitHub's nine default labels, as every new repository gets them. */
const DEFAULT_LABELS = ['bug', 'documentation', 'duplicate', 'enhancement', 'good first issue', 'help wanted', 'invalid', 'question', 'wontfix'];

function seedOrg(fake: ReturnType<typeof installFakeGitHub>, repos: number, extraLabels: (i: number) => number = () => 0) {
  for (let i = 0; i < repos; i++) {
    const extra = Array.from({ length: extraLabels(i) }, (_, n) => `extra-${n}`);
    fake.addRepo({ name: `repo-${String(i).padStart(4, '0')}`, topics: ['team-a'], labels: [...DEFAULT_LABELS, ...extra] });
  }
}

const fake = installFakeGitHub();

describe('what reads cost', () => {
  it('reads an org of 500 repositories with labels in 5 GraphQL queries and a listing of 5 REST pages', async () => {
    seedOrg(fake, 500);
    const session = await connectToFake();
    const result = await session.readAll(['github.repository', 'github.label']);
    expect(result.resources).toHaveLength(500 * 10);
    // The first page, then the listing's 5 pages at once, then 4 queries by id at once.
    expect(fake.count({ kind: 'graphql' })).toBe(5);
    expect(fake.count({ kind: 'rest', route: 'GET /orgs/{org}/repos' })).toBe(5);
    expect(fake.count()).toBe(10);
    expect(fake.count() / result.resources.length).toBeLessThanOrEqual(0.05);
  });

  it('pages labels only for repositories with more than 100, batched', async () => {
    // 20 of 500 repositories have 150 labels: 5 repository queries + 2 follow-ups (10 repositories
    // each), and the 5 pages of the REST listing the queries by id start from.
    seedOrg(fake, 500, (i) => (i % 25 === 0 ? 141 : 0));
    const session = await connectToFake();
    const result = await session.readAll(['github.label']);
    expect(result.resources).toHaveLength(480 * 9 + 20 * 150);
    expect(fake.count({ kind: 'graphql' })).toBe(7);
    expect(fake.count({ kind: 'rest' })).toBe(5);
  });

  it('reads 5,000 repositories with labels within 0.05 requests per resource', async () => {
    seedOrg(fake, 5_000);
    const session = await connectToFake();
    const result = await session.readAll(['github.repository', 'github.label']);
    expect(result.resources).toHaveLength(50_000);
    // 1 first page, 50 listing pages and 49 queries by id: 100 requests, but the 50 pages and the
    // 49 queries each go at once (readConcurrency at a time), not 50 pages one after another.
    expect(fake.count({ kind: 'rest' })).toBe(50);
    expect(fake.count({ kind: 'graphql' })).toBe(50);
    expect(fake.count()).toBe(100);
    expect(fake.count() / result.resources.length).toBeLessThanOrEqual(0.05);
  }, 120_000);

  it('reads one repository and its labels with two requests, however many labels are touched', async () => {
    seedOrg(fake, 500);
    const session = await connectToFake();
    const refs: ResourceRef[] = [
      { kind: 'github.repository', target: 'default', name: 'repo-0042' },
      ...DEFAULT_LABELS.map((label) => ({ kind: 'github.label', target: 'default', name: `repo-0042/${label}` })),
    ];
    const results = await session.read(refs);
    expect(results.filter((r) => r.actual)).toHaveLength(10);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /repos/acme/repo-0042', 'GET /repos/acme/repo-0042/labels']));
    expect(fake.count()).toBe(2);
  });

  it('answers a second targeted read of 500 repositories and their labels from 304s', async () => {
    seedOrg(fake, 500);
    const cache = new LruEtagCache({ maxEntries: 2_000 });
    const refs: ResourceRef[] = fake.repos().flatMap((repo) => [
      { kind: 'github.repository', target: 'default', name: repo.name },
      { kind: 'github.label', target: 'default', name: `${repo.name}/bug` },
    ]);
    const first = await connectToFake('acme', cache);
    const before = await first.read(refs);
    expect(fake.count()).toBe(1_000);
    fake.resetLog();

    fake.repo('repo-0007').description = 'changed by hand';
    const second = await connectToFake('acme', cache);
    const after = await second.read(refs);
    const notModified = fake.count({ etag304: true });
    expect(fake.count()).toBe(1_000);
    expect(notModified).toBe(999);
    expect(notModified / fake.count()).toBeGreaterThanOrEqual(0.9);
    expect(after.filter((r) => r.ref.name !== 'repo-0007')).toEqual(before.filter((r) => r.ref.name !== 'repo-0007'));
    expect(after.find((r) => r.ref.name === 'repo-0007')!.actual!.spec.description).toBe('changed by hand');
    expect(fake.rateLimit().used).toBe(1_001);
  });
});

describe('what a plan of a large selection costs', () => {
  const desired = (kind: string, name: string, spec: Record<string, unknown>): DesiredResource => ({
    kind,
    target: 'default',
    name,
    spec,
    previousNames: [],
    lifecycle: { retain: false, ignoreFields: [] },
    owners: [],
    source: { file: `repos/${name.split('/')[0]}.yml`, line: 1, column: 1 },
    dependsOn: [],
  });

  async function plan(names: string[], labels: string[]) {
    const session = await connectToFake();
    const choices: ReadChoice[] = [];
    const result = await computePlan({
      desired: [
        ...names.map((name) => desired('github.repository', name, { description: 'changed' })),
        ...names.flatMap((name) => labels.map((label) => desired('github.label', `${name}/${label}`, {}))),
      ],
      removed: [],
      kindOf: (kind) => githubKinds.find((k) => k.kind === kind),
      session: () => session,
      onReadChoice: (choice) => choices.push(choice),
    });
    return { result, choices };
  }

  it('plans a first convergence of 500 repositories and their labels with the bulk readers: 5 GraphQL requests and 5 listing pages', async () => {
    seedOrg(fake, 500);
    const names = Array.from({ length: 500 }, (_, i) => `repo-${String(i).padStart(4, '0')}`);
    const { result, choices } = await plan(names, [...DEFAULT_LABELS, 'new-label']);
    expect(fake.count()).toBe(10);
    expect(fake.count({ kind: 'graphql' })).toBe(5);
    expect(choices).toEqual([
      { kind: 'github.repository', target: 'default', resources: 500, bulk: true },
      { kind: 'github.label', target: 'default', resources: 5_000, bulk: true },
    ]);
    expect(result.readFailures).toEqual([]);
    // Live state is read as it is: descriptions differ, the nine labels exist, new-label does not.
    expect(result.changes.filter((c) => c.action === 'update' && c.kind === 'github.repository')).toHaveLength(500);
    expect(result.changes.filter((c) => c.action === 'create').map((c) => c.name)).toHaveLength(500);
    expect(result.changes.every((c) => c.action !== 'create' || c.name.endsWith('/new-label'))).toBe(true);
  });

  it('reads a small selection one by one, never the whole org', async () => {
    seedOrg(fake, 500);
    const { choices } = await plan(['repo-0001', 'repo-0002'], ['bug']);
    expect(choices.every((c) => !c.bulk)).toBe(true);
    expect(fake.count({ kind: 'graphql' })).toBe(0);
    expect(fake.count()).toBe(4);
  });

  it('reports a label whose name differs only in case as a conflict, as a one-by-one read does', async () => {
    seedOrg(fake, 100);
    const names = Array.from({ length: 100 }, (_, i) => `repo-${String(i).padStart(4, '0')}`);
    const { result } = await plan(names, ['BUG']);
    expect(result.changes.filter((c) => c.action === 'create')).toEqual([]);
    expect(result.readFailures).toHaveLength(100);
    expect(result.readFailures[0]).toMatchObject({ kind: 'github.label', name: 'repo-0000/BUG', code: 'conflict', retryable: false });
    expect(result.readFailures[0]!.message).toContain('exists as "repo-0000/bug"');
  });
});
