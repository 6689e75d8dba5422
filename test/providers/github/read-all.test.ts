import { describe, expect, it } from 'vitest';
import { resourceKey } from '../../../src/core/resource.js';
import { api, connect, restRepo, strictNock } from './helpers.js';

strictNock();

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

function gqlRepo(name: string, labels: Array<{ name: string; color: string; description: string | null }> = [], more?: string) {
  return {
    id: `R_${name}`,
    name,
    description: null,
    homepageUrl: null,
    visibility: 'PRIVATE',
    isArchived: false,
    hasIssuesEnabled: true,
    hasProjectsEnabled: false,
    hasWikiEnabled: false,
    hasDiscussionsEnabled: false,
    mergeCommitAllowed: false,
    squashMergeAllowed: true,
    rebaseMergeAllowed: false,
    autoMergeAllowed: true,
    deleteBranchOnMerge: true,
    defaultBranchRef: { name: 'main' },
    repositoryTopics: { nodes: [{ topic: { name: 'platform' } }, { topic: { name: 'api' } }] },
    labels: { pageInfo: { hasNextPage: more !== undefined, endCursor: more ?? null }, nodes: labels },
  };
}

/** A page of an org of at most 300 repositories, which is read by cursor. */
const page = (nodes: unknown[], endCursor: string | null, totalCount = 101) => ({
  data: { organization: { repositories: { totalCount, pageInfo: { hasNextPage: endCursor !== null, endCursor }, nodes } } },
});

describe('bulk reads (full runs)', () => {
  it('reads 100 repositories with their labels per GraphQL query', async () => {
    const bodies: GraphqlBody[] = [];
    const first = Array.from({ length: 100 }, (_, i) => gqlRepo(`r${String(i).padStart(3, '0')}`, [{ name: 'bug', color: 'D73A4A', description: null }]));
    api()
      .post('/graphql', (body: GraphqlBody) => bodies.push(body) > 0 && body.variables.after === null)
      .reply(200, page(first, 'c1'));
    api()
      .post('/graphql', (body: GraphqlBody) => bodies.push(body) > 0 && body.variables.after === 'c1')
      .reply(200, page([gqlRepo('zeta')], null));
    const { session } = await connect();
    const result = await session.readAll(['github.repository', 'github.label']);

    expect(bodies.map((b) => b.variables)).toEqual([
      { org: 'acme', after: null, withLabels: true, withProtection: false, allowances: 5 },
      { org: 'acme', after: 'c1', withLabels: true, withProtection: false, allowances: 5 },
    ]);
    expect(result.failures).toEqual([]);
    expect(result.resources.filter((r) => r.kind === 'github.repository')).toHaveLength(101);
    expect(result.resources.filter((r) => r.kind === 'github.label')).toHaveLength(100);
    const zeta = result.resources.find((r) => resourceKey(r) === 'github.repository/zeta')!;
    expect(zeta.spec).toEqual({
      description: '',
      homepage: '',
      visibility: 'private',
      features: { issues: true, projects: false, wiki: false, discussions: false },
      merge: { allowMergeCommit: false, allowSquashMerge: true, allowRebaseMerge: false, allowAutoMerge: true, deleteBranchOnMerge: true },
      defaultBranch: 'main',
      archived: false,
      topics: ['api', 'platform'],
    });
    expect(result.resources.find((r) => r.name === 'r000/bug')!.spec).toEqual({ color: 'd73a4a', description: '' });
  });

  it('pages labels beyond 100 with one follow-up query for several repositories', async () => {
    const bodies: GraphqlBody[] = [];
    const hundred = Array.from({ length: 100 }, (_, i) => ({ name: `l${i}`, color: 'ededed', description: null }));
    api()
      .post('/graphql', (body: GraphqlBody) => bodies.push(body) > 0 && 'withLabels' in body.variables)
      .reply(200, page([gqlRepo('big', hundred, 'b1'), gqlRepo('huge', hundred, 'h1'), gqlRepo('small', hundred.slice(0, 3))], null));
    api()
      .post('/graphql', (body: GraphqlBody) => bodies.push(body) > 0 && body.variables.n0 === 'big')
      .reply(200, {
        data: {
          r0: { labels: { pageInfo: { hasNextPage: false, endCursor: 'b2' }, nodes: [{ name: 'extra', color: 'ffffff', description: 'x' }] } },
          r1: { labels: { pageInfo: { hasNextPage: true, endCursor: 'h2' }, nodes: [{ name: 'extra', color: 'ffffff', description: null }] } },
        },
      });
    api()
      .post('/graphql', (body: GraphqlBody) => bodies.push(body) > 0 && body.variables.n0 === 'huge')
      .reply(200, { data: { r0: { labels: { pageInfo: { hasNextPage: false, endCursor: 'h3' }, nodes: [{ name: 'last', color: 'ffffff', description: null }] } } } });
    const { session } = await connect();
    const result = await session.readAll(['github.label']);

    expect(bodies.slice(1).map((b) => b.variables)).toEqual([
      { org: 'acme', n0: 'big', c0: 'b1', n1: 'huge', c1: 'h1' },
      { org: 'acme', n0: 'huge', c0: 'h2' },
    ]);
    const count = (repo: string) => result.resources.filter((r) => r.name.startsWith(`${repo}/`)).length;
    expect([count('big'), count('huge'), count('small')]).toEqual([101, 102, 3]);
    expect(result.resources.every((r) => r.kind === 'github.label')).toBe(true);
  });

  it('asks GraphQL for no labels when only repositories are wanted', async () => {
    api()
      .post('/graphql', (body: GraphqlBody) => body.variables.withLabels === false)
      .reply(200, page([{ ...gqlRepo('api'), labels: undefined }], null));
    const { session } = await connect();
    const result = await session.readAll(['github.repository']);
    expect(result.resources.map(resourceKey)).toEqual(['github.repository/api']);
  });

  it('names the default branch of an empty repository as REST does, so bulk and targeted reads agree', async () => {
    api()
      .post('/graphql')
      .reply(200, page([{ ...gqlRepo('empty'), defaultBranchRef: null }], null));
    api().get('/repos/acme/empty').reply(200, restRepo('empty', { default_branch: 'trunk' }));
    const { session } = await connect();
    const result = await session.readAll(['github.repository']);
    expect(result.resources[0]!.spec.defaultBranch).toBe('trunk');
  });

  it('fails the whole bulk read when the org cannot be listed, with a typed error', async () => {
    api()
      .post('/graphql')
      .reply(200, { data: { organization: null }, errors: [{ type: 'NOT_FOUND', message: "Could not resolve to an Organization with the login of 'acme'." }] });
    const { session } = await connect();
    await expect(session.readAll(['github.repository'])).rejects.toMatchObject({ code: 'not-found' });

    api().post('/graphql').reply(502, { message: 'Bad Gateway' });
    await expect(session.readAll(['github.repository'])).rejects.toMatchObject({ code: 'retryable' });
  });
});
