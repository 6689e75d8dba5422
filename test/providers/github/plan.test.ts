import { describe, expect, it } from 'vitest';
import { computePlan } from '../../../src/core/plan.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import type { DesiredResource } from '../../../src/core/resource.js';
import { githubProvider, Label, Repository } from '../../../src/providers/github/index.js';
import { desired } from '../../support/resources.js';
import { api, connect, restLabel, restRepo, strictNock } from './helpers.js';

strictNock();

const plan = (session: ProviderSession, resources: DesiredResource[]) =>
  computePlan({
    desired: resources,
    removed: [],
    kindOf: (kind) => githubProvider.kinds.find((k) => k.kind === kind),
    session: () => session,
  });

const repo = (name: string, spec: Record<string, unknown>, extra = {}) => desired('github.repository', name, Repository.parse(spec), extra);
const label = (name: string, spec: Record<string, unknown>, extra = {}) => desired('github.label', name, Label.parse(spec), extra);

describe('plans against GitHub', () => {
  it('never turns a field the user did not set, or GitHub\'s spelling of it, into a change', async () => {
    api()
      .get('/repos/acme/api')
      .reply(200, restRepo('api', { description: null, homepage: null, topics: ['platform', 'api'], has_wiki: false }));
    api().get('/repos/acme/api/labels').query({ per_page: 100 }).reply(200, [restLabel('bug', 'd73a4a', null)]);
    const { session } = await connect();
    const result = await plan(session, [
      repo('api', { description: '', topics: ['API', 'platform'], features: { issues: true } }),
      label('api/bug', { color: '#D73A4A', description: null }),
    ]);
    expect(result.readFailures).toEqual([]);
    expect(result.changes.map((c) => [c.action, c.name, c.fields])).toEqual([
      ['noop', 'api', []],
      ['noop', 'api/bug', []],
    ]);
  });

  it('gives the same plan twice, the second time from 304s', async () => {
    api().get('/repos/acme/api').reply(200, restRepo('api', { description: 'Old' }), { etag: '"r1"' });
    api().get('/repos/acme/api').matchHeader('if-none-match', '"r1"').reply(304, '');
    api().get('/repos/acme/api/labels').query({ per_page: 100 }).reply(200, [restLabel('bug', 'ff0000')], { etag: '"l1"' });
    api().get('/repos/acme/api/labels').query({ per_page: 100 }).matchHeader('if-none-match', '"l1"').reply(304, '');
    const { session } = await connect();
    const model = [repo('api', { description: 'New' }), label('api/bug', { color: 'd73a4a' }), label('api/feature', { color: 'a2eeef' })];
    const first = await plan(session, model);
    const second = await plan(session, model);
    expect(second).toEqual(first);
    expect(first.changes.map((c) => [c.action, c.name, c.fields.map((f) => `${f.path}: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`)])).toEqual([
      ['update', 'api', ['description: "Old" → "New"']],
      ['update', 'api/bug', ['color: "ff0000" → "d73a4a"']],
      ['create', 'api/feature', ['color: undefined → "a2eeef"']],
    ]);
    expect(session.ctx.api.stats).toMatchObject({ gets: 4, notModified: 2 });
  });

  it('plans a repository rename from previousNames even though GitHub redirects the old name', async () => {
    // Before the rename: the old name is the repository, the new one does not exist yet.
    api().get('/repos/acme/new').reply(404, { message: 'Not Found' });
    api().get('/repos/acme/old').reply(200, restRepo('old', { description: 'x' }));
    const { session } = await connect();
    const before = await plan(session, [repo('new', { description: 'x' }, { previousNames: ['old'] })]);
    expect(before.changes.map((c) => [c.action, c.fromName, c.name, c.fields])).toEqual([['rename', 'old', 'new', []]]);

    // After the rename: the old name redirects to the new one, which must not look like a second repository.
    api().get('/repos/acme/new').reply(200, restRepo('new', { description: 'x' }));
    api().get('/repos/acme/old').reply(301, {}, { location: 'https://api.github.com/repositories/1' });
    api().get('/repositories/1').reply(200, restRepo('new', { description: 'x' }));
    const after = await plan(session, [repo('new', { description: 'x' }, { previousNames: ['old'] })]);
    expect(after.changes.map((c) => c.action)).toEqual(['noop']);
  });

  it('plans a label rename with one list request for the repository', async () => {
    api().get('/repos/acme/api/labels').query({ per_page: 100 }).reply(200, [restLabel('bug', 'd73a4a')]);
    const { session } = await connect();
    const result = await plan(session, [label('api/kind/bug', { color: 'd73a4a' }, { previousNames: ['api/bug'] })]);
    expect(result.changes.map((c) => [c.action, c.fromName, c.name])).toEqual([['rename', 'api/bug', 'api/kind/bug']]);
  });
});
