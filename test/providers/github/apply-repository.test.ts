import { describe, expect, it } from 'vitest';
import { api, change, connect, restRepo, strictNock } from './helpers.js';

strictNock();


describe('creating a repository', () => {
  it('creates with what POST takes, then sets topics and archives last', async () => {
    api()
      .post('/orgs/acme/repos', {
        name: 'api',
        description: 'The API',
        visibility: 'private',
        has_wiki: false,
        allow_merge_commit: false,
        delete_branch_on_merge: true,
      })
      .reply(201, restRepo('api', { description: 'The API', visibility: 'private', private: true, has_wiki: false, allow_merge_commit: false, delete_branch_on_merge: true }));
    api().put('/repos/acme/api/topics', { names: ['api', 'platform'] }).reply(200, { names: ['api', 'platform'] });
    api().patch('/repos/acme/api', { archived: true }).reply(200, restRepo('api', { archived: true }));
    const { session } = await connect();
    await session.apply(
      change('repository', 'create', 'api', [
        ['description', 'The API'],
        ['visibility', 'private'],
        ['features.wiki', false],
        ['merge.allowMergeCommit', false],
        ['merge.deleteBranchOnMerge', true],
        ['topics', ['api', 'platform']],
        ['archived', true],
      ]),
    );
  });

  it('enables discussions with GraphQL, the only API that takes it', async () => {
    api().post('/orgs/acme/repos', { name: 'talk' }).reply(201, restRepo('talk', { node_id: 'R_talk' }));
    api()
      .post('/graphql', (body: { query: string; variables: unknown }) => /updateRepository/.test(body.query) && JSON.stringify(body.variables) === JSON.stringify({ id: 'R_talk', enabled: true }))
      .reply(200, { data: { updateRepository: { repository: { id: 'R_talk' } } } });
    const { session } = await connect();
    await session.apply(change('repository', 'create', 'talk', [['features.discussions', true]]));
  });

  it('converges an existing repository instead of failing when it was already created', async () => {
    api()
      .post('/orgs/acme/repos', { name: 'api', description: 'The API' })
      .reply(422, { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }] });
    api().get('/repos/acme/api').reply(200, restRepo('api', { description: 'The API', topics: ['old'] }));
    api().put('/repos/acme/api/topics', { names: ['new'] }).reply(200, { names: ['new'] });
    const { session } = await connect();
    await session.apply(change('repository', 'create', 'api', [['description', 'The API'], ['topics', ['new']]]));
  });

  it('fails with GitHub\'s message when creation is refused for another reason', async () => {
    api()
      .post('/orgs/acme/repos', { name: 'api', visibility: 'private' })
      .reply(422, { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'visibility', message: 'visibility can\'t be private. Please upgrade your plan.' }] });
    api().get('/repos/acme/api').reply(404, { message: 'Not Found' });
    const { session } = await connect();
    await expect(session.apply(change('repository', 'create', 'api', [['visibility', 'private']]))).rejects.toMatchObject({
      code: 'rejected',
      resource: 'github.repository/api',
      message: "github.repository/api: GitHub rejected the change: Repository creation failed. (visibility can't be private. Please upgrade your plan.)",
    });
  });
});

describe('updating a repository', () => {
  it('PATCHes only the changed fields and leaves topics alone when they did not change', async () => {
    api().patch('/repos/acme/api', { description: 'New', has_issues: false, allow_squash_merge: true, default_branch: 'trunk' }).reply(200, restRepo('api'));
    const { session } = await connect();
    await session.apply(
      change('repository', 'update', 'api', [
        ['description', 'New'],
        ['features.issues', false],
        ['merge.allowSquashMerge', true],
        ['defaultBranch', 'trunk'],
      ]),
    );
  });

  it('PUTs topics alone when only topics changed', async () => {
    api().put('/repos/acme/api/topics', { names: [] }).reply(200, { names: [] });
    const { session } = await connect();
    await session.apply(change('repository', 'update', 'api', [['topics', []]]));
  });

  it('unarchives before any other write, since an archived repository is read-only', async () => {
    const order: string[] = [];
    api()
      .patch('/repos/acme/api', { archived: false })
      .reply(200, () => (order.push('unarchive'), restRepo('api')));
    api()
      .patch('/repos/acme/api', { description: 'Back' })
      .reply(200, () => (order.push('describe'), restRepo('api')));
    const { session } = await connect();
    await session.apply(change('repository', 'update', 'api', [['description', 'Back'], ['archived', false]]));
    expect(order).toEqual(['unarchive', 'describe']);
  });

  it('rejects an update of a repository that no longer exists, naming it', async () => {
    api().patch('/repos/acme/api', { description: 'x' }).reply(404, { message: 'Not Found' });
    const { session } = await connect();
    await expect(session.apply(change('repository', 'update', 'api', [['description', 'x']]))).rejects.toMatchObject({
      code: 'rejected',
      message: expect.stringMatching(/^github\.repository\/api: not found on GitHub/),
    });
  });
});

describe('renaming a repository', () => {
  it('PATCHes the name on the old name, then the changed fields on the new one', async () => {
    api().patch('/repos/acme/old', { name: 'new' }).reply(200, restRepo('new'));
    api().patch('/repos/acme/new', { description: 'Renamed' }).reply(200, restRepo('new'));
    const { session } = await connect();
    await session.apply(change('repository', 'rename', 'new', [['description', 'Renamed']], { fromName: 'old' }));
  });

  it('unarchives under the old name first, since an archived repository cannot be renamed', async () => {
    const order: string[] = [];
    api()
      .patch('/repos/acme/old', { archived: false })
      .reply(200, () => (order.push('unarchive'), restRepo('old')));
    api()
      .patch('/repos/acme/old', { name: 'new' })
      .reply(200, () => (order.push('rename'), restRepo('new')));
    const { session } = await connect();
    await session.apply(change('repository', 'rename', 'new', [['archived', false]], { fromName: 'old' }));
    expect(order).toEqual(['unarchive', 'rename']);
  });

  it('succeeds when the rename already happened (the old name redirects) without following the redirect', async () => {
    api().patch('/repos/acme/old', { name: 'new' }).reply(307, { message: 'Temporary Redirect' }, { location: 'https://api.github.com/repositories/7' });
    api().get('/repos/acme/new').reply(200, restRepo('new'));
    const { session } = await connect();
    await session.apply(change('repository', 'rename', 'new', [], { fromName: 'old' }));
  });

  it('fails clearly when neither name exists', async () => {
    api().patch('/repos/acme/old', { name: 'new' }).reply(404, { message: 'Not Found' });
    api().get('/repos/acme/new').reply(404, { message: 'Not Found' });
    const { session } = await connect();
    await expect(session.apply(change('repository', 'rename', 'new', [], { fromName: 'old' }))).rejects.toMatchObject({
      code: 'rejected',
      message: 'github.repository/new: cannot rename from "old": neither "old" nor "new" exists on GitHub.',
    });
  });
});

describe('deleting a repository', () => {
  it('checks the name is the repository\'s own, then deletes it', async () => {
    api().get('/repos/acme/api').reply(200, restRepo('api'));
    api().delete('/repos/acme/api').reply(204);
    const { session } = await connect();
    await session.apply(change('repository', 'delete', 'api', []));
  });

  it('never deletes through a redirect to a renamed repository', async () => {
    api().get('/repos/acme/old').reply(301, {}, { location: 'https://api.github.com/repositories/7' });
    api().get('/repositories/7').reply(200, restRepo('new'));
    const { session } = await connect();
    await session.apply(change('repository', 'delete', 'old', []));
  });

  it('treats an already deleted repository as done', async () => {
    api().get('/repos/acme/api').reply(404, { message: 'Not Found' });
    const { session } = await connect();
    await session.apply(change('repository', 'delete', 'api', []));
  });
});
