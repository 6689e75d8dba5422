import { describe, expect, it } from 'vitest';
import type { ReadAllResult } from '../../../src/core/provider.js';
import { resourceKey, type ResourceRef } from '../../../src/core/resource.js';
import { installFakeGitHub, type RequestRecord } from '../../support/fake-github/index.js';
import { connectToFake } from './fake.js';
import { makeClient } from './helpers.js';

const KINDS = ['github.repository', 'github.label', 'github.branch-protection'];
const name = (i: number) => `svc-${String(i).padStart(4, '0')}`;

const fake = installFakeGitHub();

/** `count` repositories, each with three labels and a protected `main`; some named in upper case. */
function seedOrg(count: number): void {
  for (let i = 0; i < count; i++) {
    const repo = i % 7 === 3 ? name(i).toUpperCase() : name(i);
    fake.addRepo({ name: repo, description: `service ${i}`, topics: ['team-a'], labels: ['bug', 'docs', `area-${i % 5}`] });
    fake.addProtection(repo, { pattern: 'main', requiresApprovingReviews: true, requiredApprovingReviewCount: 1 + (i % 3) });
  }
}

/** What a request was: the GraphQL operation, or the REST method, path and page. */
function what(record: RequestRecord): string {
  if (record.kind === 'graphql') return /query (\w+)/.exec((record.body as { query: string }).query)?.[1] ?? 'graphql';
  return `${record.method} ${record.path}${record.query.page ? ` page=${record.query.page}` : ''}`;
}

const operation = (options: unknown) => /query (\w+)/.exec((options as { query?: string }).query ?? '')?.[1];

/** A client that runs `before` ahead of each GraphQL operation it sends. */
function clientWith(before: (operation: string | undefined) => void | Promise<void>) {
  const client = makeClient();
  client.hook.before('request', (options) => before(operation(options)));
  return client;
}

/** A client that counts the most requests it had in flight at once. */
function countingClient() {
  const client = makeClient();
  const inFlight = { now: 0, peak: 0 };
  client.hook.wrap('request', async (request, options) => {
    inFlight.peak = Math.max(inFlight.peak, ++inFlight.now);
    try {
      return await request(options);
    } finally {
      inFlight.now--;
    }
  });
  return { client, inFlight };
}

/** A client that sees the org's first page report 300 repositories, so it reads by cursor as before. */
function cursorClient() {
  const client = makeClient();
  client.hook.after('request', (response, options) => {
    if (operation(options) !== 'ConvergeRepositories') return;
    (response.data as { data: { organization: { repositories: { totalCount: number } } } }).data.organization.repositories.totalCount = 300;
  });
  return client;
}

/** The requests in order; the listing pages, sent at once, sorted. */
function stages(records: readonly RequestRecord[]): string[] {
  const seen = records.map(what);
  return [seen[0]!, ...seen.slice(1, 6).sort(), ...seen.slice(6)];
}

/** A read by id of 450 repositories: 1 first page, 5 listing pages (ceil(450 / 100)), 4 queries for the 350 the first page did not bring. */
const BY_ID_450 = [
  'ConvergeRepositories',
  ...[1, 2, 3, 4, 5].map((page) => `GET /orgs/acme/repos page=${page}`),
  ...Array.from({ length: 4 }, () => 'ConvergeRepositoriesById'),
];

const specs = (result: ReadAllResult) => new Map(result.resources.map((r) => [resourceKey(r), r.spec]));

describe('bulk reads of a large org, pages at once', () => {
  it('reads 450 repositories with a REST listing and queries by id, at once, as the cursor read and targeted reads do', async () => {
    seedOrg(450);
    const { client, inFlight } = countingClient();
    const parallel = await (await connectToFake('acme', undefined, client)).readAll(KINDS);
    expect(parallel.failures).toEqual([]);
    expect(stages(fake.requests)).toEqual(BY_ID_450);
    // The 5 listing pages at once (readConcurrency is 8), then the 4 queries by id at once.
    expect(inFlight.peak).toBe(5);
    expect(fake.filter({ kind: 'rest' }).every((r) => r.query.type === 'all' && r.query.per_page === '100')).toBe(true);

    const count = (kind: string) => parallel.resources.filter((r) => r.kind === kind).length;
    expect([count('github.repository'), count('github.label'), count('github.branch-protection')]).toEqual([450, 1_350, 450]);
    expect(parallel.resources.find((r) => resourceKey(r) === 'github.repository/SVC-0073')!.spec).toMatchObject({ description: 'service 73', topics: ['team-a'] });

    fake.resetLog();
    const cursor = await (await connectToFake('acme', undefined, cursorClient())).readAll(KINDS);
    expect(fake.requests.map(what)).toEqual(Array.from({ length: 5 }, () => 'ConvergeRepositories'));
    // The same resources with the same specs, in the same order.
    expect(parallel.resources).toEqual(cursor.resources);

    fake.resetLog();
    const refs: ResourceRef[] = parallel.resources.map(({ kind, target, name }) => ({ kind, target, name }));
    const targeted = await (await connectToFake()).read(refs);
    expect(targeted.filter((r) => r.error || !r.actual)).toEqual([]);
    expect(new Map(targeted.map((r) => [resourceKey(r.ref), r.actual!.spec]))).toEqual(specs(parallel));
  }, 120_000);

  it('reads an org of 250 repositories by cursor, as before', async () => {
    seedOrg(250);
    const result = await (await connectToFake()).readAll(KINDS);
    expect(result.resources.filter((r) => r.kind === 'github.repository')).toHaveLength(250);
    expect(fake.requests.map(what)).toEqual(['ConvergeRepositories', 'ConvergeRepositories', 'ConvergeRepositories']);
    expect(fake.requests.map((r) => (r.body as { variables: { after: string | null } }).variables.after === null)).toEqual([true, false, false]);
  });

  it('reads again by cursor when a repository is created after the listing, and misses none', async () => {
    seedOrg(450);
    let created = false;
    const client = clientWith((op) => {
      if (op !== 'ConvergeRepositoriesById' || created) return;
      created = true;
      fake.addRepo({ name: 'aaa-late', labels: ['bug'] });
    });
    const result = await (await connectToFake('acme', undefined, client)).readAll(KINDS);
    expect(result.failures).toEqual([]);
    const repositories = result.resources.filter((r) => r.kind === 'github.repository').map((r) => r.name);
    expect(repositories).toHaveLength(451);
    expect(new Set(repositories)).toEqual(new Set(fake.repos().map((r) => r.name)));
    expect(result.resources.map(resourceKey)).toContain('github.label/aaa-late/bug');
    // The read by id, then the whole org again by cursor (5 pages of 100, 1 of 51).
    expect(stages(fake.requests)).toEqual([...BY_ID_450, ...Array.from({ length: 5 }, () => 'ConvergeRepositories')]);
  }, 60_000);

  it('reads again by cursor when a listed repository is deleted before it is read by id, and reports it gone', async () => {
    seedOrg(450);
    let deleted = false;
    const client = clientWith(async (op) => {
      if (op !== 'ConvergeRepositoriesById' || deleted) return;
      deleted = true;
      // Someone deletes a repository the listing named, past the first page.
      await makeClient().request('DELETE /repos/{owner}/{repo}', { owner: 'acme', repo: name(400) });
    });
    const result = await (await connectToFake('acme', undefined, client)).readAll(KINDS);
    expect(result.failures).toEqual([]);
    const repositories = result.resources.filter((r) => r.kind === 'github.repository').map((r) => r.name);
    expect(repositories).toHaveLength(449);
    expect(new Set(repositories)).toEqual(new Set(fake.repos().map((r) => r.name)));
    expect(result.resources.some((r) => r.name.startsWith(name(400)))).toBe(false);
    expect(stages(fake.requests.filter((r) => r.method !== 'DELETE'))).toEqual([...BY_ID_450, ...Array.from({ length: 5 }, () => 'ConvergeRepositories')]);
  }, 60_000);
});
