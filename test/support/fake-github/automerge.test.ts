import { describe, expect, it } from 'vitest';
import { checkResponse } from '../openapi.js';
import { autoMergeJson, autoMergeOf, seedAutoMerge } from './automerge.js';
import { pullJson } from './pulls.js';
import { World } from './world.js';

function world() {
  const w = new World({});
  const repo = w.repos.add({ name: 'config' });
  w.git.setFiles(repo, { 'a.yml': 'a: 1\n' });
  w.git.commit(repo, { 'b.yml': 'b: 1\n' }, { branch: 'pr' });
  return { w, repo, pull: w.pulls.add(repo, { head: { ref: 'pr' } }) };
}

describe('auto-merge in the fake', () => {
  it("renders the REST pull's auto_merge as GitHub documents it, and null when off", () => {
    const { w, repo, pull } = world();
    const path = `/repos/acme/config/pulls/${pull.number}`;
    expect(autoMergeJson(w, pull)).toBeNull();
    seedAutoMerge(pull, w.bot, 'REBASE');
    const json = { ...pullJson(w, repo, pull), auto_merge: autoMergeJson(w, pull) };
    expect(json.auto_merge).toMatchObject({ enabled_by: { login: 'converge[bot]', type: 'Bot' }, merge_method: 'rebase' });
    expect(checkResponse({ method: 'GET', path, status: 200, responseBody: json })).toEqual([]);
  });

  it('drops the request when the pull request closes, as GitHub does', () => {
    const { w, pull } = world();
    seedAutoMerge(pull, w.bot);
    w.pulls.close(pull);
    expect(autoMergeOf(pull)).toBeUndefined();
  });
});
