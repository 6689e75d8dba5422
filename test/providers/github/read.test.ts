import { describe, expect, it } from 'vitest';
import { Label, Repository } from '../../../src/providers/github/index.js';
import { api, connect, restLabel, restRepo, strictNock } from './helpers.js';

strictNock();

const repo = (name: string) => ({ kind: 'github.repository', target: 'default', name });
const label = (name: string) => ({ kind: 'github.label', target: 'default', name });

describe('targeted reads of repositories', () => {
  it('reports a repository in exactly the shape the schema produces', async () => {
    api()
      .get('/repos/acme/api')
      .reply(200, restRepo('api', { description: 'The API', homepage: '', topics: ['platform', 'api'], has_discussions: true }));
    const { session } = await connect();
    const [result] = await session.read([repo('api')]);
    expect(result!.actual!.spec).toEqual(
      Repository.parse({
        description: 'The API',
        homepage: null,
        visibility: 'public',
        features: { issues: true, projects: true, wiki: true, discussions: true },
        merge: { allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: true, allowAutoMerge: false, deleteBranchOnMerge: false },
        defaultBranch: 'main',
        archived: false,
        topics: ['Platform', 'api'],
      }),
    );
  });

  it('leaves out fields GitHub does not return (merge settings need admin) instead of guessing', async () => {
    const { allow_merge_commit, allow_squash_merge, allow_rebase_merge, allow_auto_merge, delete_branch_on_merge, ...bare } = restRepo('api');
    api().get('/repos/acme/api').reply(200, bare);
    const { session } = await connect();
    const [result] = await session.read([repo('api')]);
    expect(result!.actual!.spec).not.toHaveProperty('merge');
  });

  it('reports a missing repository as absent and a failing one as an error, without hiding the others', async () => {
    api().get('/repos/acme/gone').reply(404, { message: 'Not Found' });
    api().get('/repos/acme/broken').reply(502, { message: 'Bad Gateway' });
    api().get('/repos/acme/fine').reply(200, restRepo('fine'));
    const { session } = await connect();
    const results = await session.read([repo('gone'), repo('broken'), repo('fine')]);
    const byName = new Map(results.map((r) => [r.ref.name, r]));
    expect(byName.get('gone')).toEqual({ ref: repo('gone') });
    expect(byName.get('broken')!.error).toEqual({ code: 'retryable', retryable: true, message: 'github.repository/broken: GitHub failed with HTTP 502: Bad Gateway' });
    expect(byName.get('fine')!.actual?.name).toBe('fine');
  });

  it('does not report an old name that GitHub redirects to a renamed repository', async () => {
    api().get('/repos/acme/old').reply(301, { message: 'Moved Permanently' }, { location: 'https://api.github.com/repositories/7' });
    api().get('/repositories/7').reply(200, restRepo('new'));
    api().get('/repos/acme/new').reply(200, restRepo('new'));
    const { session } = await connect();
    const results = await session.read([repo('new'), repo('old')]);
    expect(results.find((r) => r.ref.name === 'old')).toEqual({ ref: repo('old') });
    expect(results.find((r) => r.ref.name === 'new')!.actual).toBeDefined();
  });

  it('explains a name that differs from GitHub only in letter case', async () => {
    api().get('/repos/acme/API').reply(200, restRepo('api'));
    const { session } = await connect();
    const [result] = await session.read([repo('API')]);
    expect(result!.error).toMatchObject({ code: 'conflict', retryable: false });
    expect(result!.error?.message).toMatch(/exists on GitHub as "api": names must match exactly/);
  });

  it('sends If-None-Match and reuses the cached body on 304', async () => {
    api().get('/repos/acme/api').reply(200, restRepo('api', { description: 'cached' }), { etag: '"v1"' });
    api().get('/repos/acme/api').matchHeader('if-none-match', '"v1"').reply(304, '', { etag: '"v1"' });
    const { session } = await connect();
    const first = await session.read([repo('api')]);
    const second = await session.read([repo('api')]);
    expect(second).toEqual(first);
    expect(second[0]!.actual!.spec.description).toBe('cached');
    expect(session.ctx.api.stats).toMatchObject({ gets: 2, notModified: 1 });
  });
});

describe('targeted reads of labels', () => {
  it('lists each repository once for all its labels, following pages', async () => {
    api()
      .get('/repos/acme/api/labels')
      .query({ per_page: 100 })
      .reply(200, [restLabel('bug', 'D73A4A', 'Something is broken'), restLabel('area/ci')], {
        link: '<https://api.github.com/repositories/1/labels?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/labels?per_page=100&page=2>; rel="last"',
      });
    api().get('/repositories/1/labels').query({ per_page: 100, page: 2 }).reply(200, [restLabel('late')]);
    api().get('/repos/acme/web/labels').query({ per_page: 100 }).reply(200, []);
    const { session } = await connect();
    const results = await session.read([label('api/bug'), label('api/area/ci'), label('api/late'), label('api/missing'), label('web/bug')]);
    const byName = new Map(results.map((r) => [r.ref.name, r]));
    expect(byName.get('api/bug')!.actual!.spec).toEqual(Label.parse({ color: 'd73a4a', description: 'Something is broken' }));
    expect(byName.get('api/area/ci')!.actual!.spec).toEqual({ color: 'ededed', description: '' });
    expect(byName.get('api/late')!.actual).toBeDefined();
    expect(byName.get('api/missing')).toEqual({ ref: label('api/missing') });
    expect(byName.get('web/bug')).toEqual({ ref: label('web/bug') });
  });

  it('treats labels of a missing repository as absent, and of a failing one as errors', async () => {
    api().get('/repos/acme/new/labels').query({ per_page: 100 }).reply(404, { message: 'Not Found' });
    api().get('/repos/acme/down/labels').query({ per_page: 100 }).reply(500, { message: 'Server Error' });
    const { session } = await connect();
    const results = await session.read([label('new/bug'), label('down/bug')]);
    expect(results.find((r) => r.ref.name === 'new/bug')).toEqual({ ref: label('new/bug') });
    expect(results.find((r) => r.ref.name === 'down/bug')!.error).toMatchObject({ code: 'retryable', retryable: true });
    expect(results.find((r) => r.ref.name === 'down/bug')!.error?.message).toMatch(/github\.label\/down\/bug: GitHub failed with HTTP 500/);
  });

  it('does not read labels through a renamed repository\'s redirect', async () => {
    api().get('/repos/acme/old/labels').query({ per_page: 100 }).reply(301, {}, { location: 'https://api.github.com/repositories/7/labels?per_page=100' });
    api().get('/repositories/7/labels').query({ per_page: 100 }).reply(200, [restLabel('bug')]);
    const { session } = await connect();
    expect(await session.read([label('old/bug')])).toEqual([{ ref: label('old/bug') }]);
  });

  it('treats a case-only label rename as a rename, not an error', async () => {
    api().get('/repos/acme/api/labels').query({ per_page: 100 }).twice().reply(200, [restLabel('Bug')]);
    const { session } = await connect();
    const renaming = await session.read([label('api/bug'), label('api/Bug')]);
    expect(renaming.find((r) => r.ref.name === 'api/bug')).toEqual({ ref: label('api/bug') });
    expect(renaming.find((r) => r.ref.name === 'api/Bug')!.actual).toBeDefined();
    const [alone] = await session.read([label('api/bug')]);
    expect(alone!.error?.message).toMatch(/exists on GitHub as "Bug"/);
  });
});
