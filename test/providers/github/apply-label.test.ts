import { describe, expect, it } from 'vitest';
import { api, change, connect, restLabel, strictNock } from './helpers.js';

strictNock();


describe('labels', () => {
  it('creates a label (a label name may contain slashes)', async () => {
    api().post('/repos/acme/api/labels', { name: 'area/ci', color: 'd73a4a', description: 'CI' }).reply(201, restLabel('area/ci', 'd73a4a', 'CI'));
    const { session } = await connect();
    await session.apply(change('label', 'create', 'api/area/ci', [['color', 'd73a4a'], ['description', 'CI']]));
  });

  it('updates instead when the label already exists (GitHub\'s defaults, or an earlier apply)', async () => {
    api()
      .post('/repos/acme/api/labels', { name: 'bug', color: 'ff0000' })
      .reply(422, { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] });
    api().patch('/repos/acme/api/labels/bug', { new_name: 'bug', color: 'ff0000' }).reply(200, restLabel('bug', 'ff0000'));
    const { session } = await connect();
    await session.apply(change('label', 'create', 'api/bug', [['color', 'ff0000']]));
  });

  it('PATCHes only changed fields, with the label name encoded in the path', async () => {
    api().patch('/repos/acme/api/labels/good%20first%20issue', { description: '' }).reply(200, restLabel('good first issue'));
    const { session } = await connect();
    await session.apply(change('label', 'update', 'api/good first issue', [['description', '']]));
  });

  it('renames with the rename API, keeping the label\'s issues, never delete + create', async () => {
    api().patch('/repos/acme/api/labels/bug', { new_name: 'kind/bug', color: 'd73a4a' }).reply(200, restLabel('kind/bug', 'd73a4a'));
    const { session } = await connect();
    await session.apply(change('label', 'rename', 'api/kind/bug', [['color', 'd73a4a']], { fromName: 'api/bug' }));
  });

  it('renames under the new repository name when the repository was renamed first', async () => {
    api().patch('/repos/acme/new/labels/bug', { new_name: 'defect' }).reply(200, restLabel('defect'));
    const { session } = await connect();
    await session.apply(change('label', 'rename', 'new/defect', [], { fromName: 'old/bug' }));
  });

  it('succeeds when the rename already happened', async () => {
    api().patch('/repos/acme/api/labels/bug', { new_name: 'defect' }).reply(404, { message: 'Not Found' });
    api().patch('/repos/acme/api/labels/defect', { new_name: 'defect' }).reply(200, restLabel('defect'));
    const { session } = await connect();
    await session.apply(change('label', 'rename', 'api/defect', [], { fromName: 'api/bug' }));
  });

  it('fails the rename clearly when neither name exists', async () => {
    api().patch('/repos/acme/api/labels/bug', { new_name: 'defect' }).reply(404, { message: 'Not Found' });
    api().patch('/repos/acme/api/labels/defect', { new_name: 'defect' }).reply(404, { message: 'Not Found' });
    const { session } = await connect();
    await expect(session.apply(change('label', 'rename', 'api/defect', [], { fromName: 'api/bug' }))).rejects.toMatchObject({
      code: 'rejected',
      message: 'github.label/api/defect: cannot rename from "api/bug": neither "bug" nor "defect" exists in repository "api".',
    });
  });

  it('deletes, and treats an already deleted label as done', async () => {
    api().delete('/repos/acme/api/labels/wontfix').reply(204);
    api().delete('/repos/acme/api/labels/gone').reply(404, { message: 'Not Found' });
    const { session } = await connect();
    await session.apply(change('label', 'delete', 'api/wontfix', []));
    await session.apply(change('label', 'delete', 'api/gone', []));
  });

  it('does not follow a renamed repository\'s redirect when writing', async () => {
    api().patch('/repos/acme/old/labels/bug', { color: 'ffffff' }).reply(307, {}, { location: 'https://api.github.com/repositories/7/labels/bug' });
    const { session } = await connect();
    await expect(session.apply(change('label', 'update', 'old/bug', [['color', 'ffffff']]))).rejects.toMatchObject({
      code: 'rejected',
      message: expect.stringMatching(/redirects this name to another repository/),
    });
  });
});
