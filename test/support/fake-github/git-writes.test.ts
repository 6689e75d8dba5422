import { gunzipSync } from 'node:zlib';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { blobSha } from './git-store.js';
import { installFakeGitHub } from './index.js';

// checkResponses: the JSON the fake returns is checked against GitHub's documented schemas.
const fake = installFakeGitHub({ checkResponses: true });
const octokit = () => new Octokit({ auth: 'ghs_test', baseUrl: fake.urls.api });
const where = { owner: 'acme', repo: 'config' };

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string; errors?: Array<{ message?: string; field?: string }> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string; errors?: Array<{ message?: string }> } } };
    return { status: e.status, message: e.response?.data?.message ?? '', ...(e.response?.data?.errors ? { errors: e.response.data.errors } : {}) };
  }
  throw new Error('expected the request to fail');
}

/** Tree, commit and branch `converge/onboarding` on top of main, as the onboarding PR builds them. */
async function commitOnBranch(gh: Octokit, files: Record<string, string | null>, branch = 'converge/onboarding') {
  const head = (await gh.git.getRef({ ...where, ref: 'heads/main' })).data.object.sha;
  const base = (await gh.git.getCommit({ ...where, commit_sha: head })).data.tree.sha;
  const tree = await gh.git.createTree({
    ...where,
    base_tree: base,
    tree: Object.entries(files).map(([path, content]) =>
      content === null ? { path, mode: '100644' as const, type: 'blob' as const, sha: null } : { path, mode: '100644' as const, type: 'blob' as const, content },
    ),
  });
  const commit = await gh.git.createCommit({ ...where, message: 'Onboard', tree: tree.data.sha, parents: [head] });
  await gh.git.createRef({ ...where, ref: `refs/heads/${branch}`, sha: commit.data.sha });
  return { head, tree: tree.data, commit: commit.data };
}

describe('git data writes', () => {
  it('builds a tree on a base tree, commits it on a new branch and reads it back everywhere', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'README.md': '# config\n', 'old/a.yml': 'a: 1\n', 'keep/b.yml': 'b: 2\n' });
    const gh = octokit();
    const { head, tree, commit } = await commitOnBranch(gh, { 'converge.yml': 'version: 1\n', 'old': null, 'keep/b.yml': 'b: 3\n' });

    expect(tree.tree.map((e) => [e.path, e.type])).toEqual([['README.md', 'blob'], ['converge.yml', 'blob'], ['keep', 'tree']]);
    expect(tree.tree.find((e) => e.path === 'converge.yml')?.sha).toBe(blobSha('version: 1\n'));
    expect(commit.parents.map((p) => p.sha)).toEqual([head]);
    // The default branch did not move; the new branch has the new snapshot.
    expect(fake.head('config')).toBe(head);
    expect(fake.files('config', 'converge/onboarding')).toEqual({ 'README.md': '# config\n', 'converge.yml': 'version: 1\n', 'keep/b.yml': 'b: 3\n' });

    const recursive = await gh.git.getTree({ ...where, tree_sha: 'converge/onboarding', recursive: 'true' });
    expect(recursive.data.sha).toBe(tree.sha);
    expect(recursive.data.tree.map((e) => e.path)).toEqual(['README.md', 'converge.yml', 'keep', 'keep/b.yml']);
    const ref = await gh.git.getRef({ ...where, ref: 'heads/converge/onboarding' });
    expect(ref.data).toMatchObject({ ref: 'refs/heads/converge/onboarding', object: { sha: commit.sha } });
    const compare = await gh.repos.compareCommitsWithBasehead({ ...where, basehead: 'main...converge/onboarding' });
    expect(compare.data.files?.map((f) => [f.filename, f.status])).toEqual([['converge.yml', 'added'], ['keep/b.yml', 'modified'], ['old/a.yml', 'removed']]);

    const tarball = await gh.repos.downloadTarballArchive({ ...where, ref: 'converge/onboarding' });
    const tar = gunzipSync(Buffer.from(tarball.data as ArrayBuffer)).toString('latin1');
    expect(tar).toContain('version: 1\n');
    expect(tar).not.toContain('a: 1\n');
  });

  it('keeps modes, grafts existing trees and answers GitHub\'s 422s for bad input', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'lib/x.txt': 'x\n' });
    const gh = octokit();
    const lib = (await gh.git.getTree({ ...where, tree_sha: 'main' })).data.tree.find((e) => e.path === 'lib')!.sha;
    const { data: tree } = await gh.git.createTree({
      ...where,
      tree: [
        { path: 'bin/run', mode: '100755', type: 'blob', content: '#!/bin/sh\n' },
        { path: 'link', mode: '120000', type: 'blob', content: 'bin/run' },
        { path: 'copy', mode: '040000', type: 'tree', sha: lib },
      ],
    });
    const listed = (await gh.git.getTree({ ...where, tree_sha: tree.sha, recursive: '1' })).data.tree.map((e) => [e.path, e.mode]);
    expect(listed).toEqual([['bin', '040000'], ['bin/run', '100755'], ['copy', '040000'], ['copy/x.txt', '100644'], ['link', '120000']]);

    expect(await failure(gh.git.createTree({ ...where, base_tree: 'f'.repeat(40), tree: [] }))).toMatchObject({ status: 422, message: 'base_tree is not a valid tree oid' });
    expect(await failure(gh.git.createTree({ ...where, tree: [{ path: 'a', mode: '100644', type: 'blob', sha: 'e'.repeat(40) }] }))).toMatchObject({ status: 422 });
    expect(await failure(gh.git.createCommit({ ...where, message: 'x', tree: 'f'.repeat(40) }))).toMatchObject({ status: 422, message: 'Tree SHA does not exist' });
    expect(await failure(gh.git.createCommit({ ...where, message: 'x', tree: tree.sha, parents: ['f'.repeat(40)] }))).toMatchObject({ status: 422 });
    expect(await failure(gh.git.getCommit({ ...where, commit_sha: 'f'.repeat(40) }))).toMatchObject({ status: 404 });
  });

  it('refuses an existing ref, and moves refs only by fast-forward unless forced', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'a.txt': '1\n' });
    const gh = octokit();
    const first = await commitOnBranch(gh, { 'b.txt': '2\n' });
    expect(await failure(gh.git.createRef({ ...where, ref: 'refs/heads/converge/onboarding', sha: first.commit.sha }))).toMatchObject({ status: 422, message: 'Reference already exists' });
    expect(await failure(gh.git.createRef({ ...where, ref: 'refs/heads/other', sha: 'f'.repeat(40) }))).toMatchObject({ status: 422, message: 'Object does not exist' });

    // A sibling commit of the branch tip: not a fast-forward.
    const sibling = await gh.git.createCommit({ ...where, message: 'redo', tree: first.tree.sha, parents: [first.head] });
    const ref = 'heads/converge/onboarding';
    expect(await failure(gh.git.updateRef({ ...where, ref, sha: sibling.data.sha }))).toMatchObject({ status: 422, message: 'Update is not a fast forward' });
    expect(fake.head('config', 'converge/onboarding')).toBe(first.commit.sha);
    await gh.git.updateRef({ ...where, ref, sha: sibling.data.sha, force: true });
    expect(fake.head('config', 'converge/onboarding')).toBe(sibling.data.sha);
    expect(await failure(gh.git.updateRef({ ...where, ref: 'heads/missing', sha: sibling.data.sha }))).toMatchObject({ status: 422, message: 'Reference does not exist' });
    expect(await failure(gh.git.getRef({ ...where, ref: 'heads/missing' }))).toMatchObject({ status: 404 });
  });
});

describe('pull requests', () => {
  it('opens a pull request, finds it by head, refuses a duplicate and follows its branch', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'a.txt': '1\n' });
    const gh = octokit();
    const { commit } = await commitOnBranch(gh, { 'converge.yml': 'version: 1\n' });
    const { data: pr } = await gh.pulls.create({ ...where, title: 'Set up Converge', head: 'converge/onboarding', base: 'main', body: 'Hello', maintainer_can_modify: true });
    expect(pr).toMatchObject({ state: 'open', title: 'Set up Converge', body: 'Hello', head: { ref: 'converge/onboarding', sha: commit.sha }, base: { ref: 'main' }, maintainer_can_modify: true, user: { login: 'converge[bot]' } });
    expect(fake.pulls('config').map((p) => [p.number, p.title, p.state])).toEqual([[pr.number, 'Set up Converge', 'open']]);

    const found = await gh.pulls.list({ ...where, head: 'acme:converge/onboarding', state: 'all' });
    expect(found.data.map((p) => p.number)).toEqual([pr.number]);
    expect((await gh.pulls.list({ ...where, head: 'acme:other', state: 'all' })).data).toEqual([]);

    const duplicate = await failure(gh.pulls.create({ ...where, title: 'again', head: 'acme:converge/onboarding', base: 'main' }));
    expect(duplicate).toMatchObject({ status: 422, errors: [{ message: 'A pull request already exists for acme:converge/onboarding.' }] });

    // A forced push to the branch moves the open pull request's head with it.
    const tree = (await gh.git.getCommit({ ...where, commit_sha: commit.sha })).data.tree.sha;
    const again = await gh.git.createCommit({ ...where, message: 'Onboard again', tree, parents: [fake.head('config')!] });
    await gh.git.updateRef({ ...where, ref: 'heads/converge/onboarding', sha: again.data.sha, force: true });
    expect((await gh.pulls.get({ ...where, pull_number: pr.number })).data.head.sha).toBe(again.data.sha);

    const { data: updated } = await gh.pulls.update({ ...where, pull_number: pr.number, title: 'Set up Converge (2)', body: 'Bye', state: 'closed' });
    expect(updated).toMatchObject({ title: 'Set up Converge (2)', body: 'Bye', state: 'closed', merged: false });
    expect((await gh.pulls.list({ ...where, head: 'acme:converge/onboarding' })).data).toEqual([]);
    expect((await gh.pulls.list({ ...where, head: 'acme:converge/onboarding', state: 'closed' })).data.map((p) => p.number)).toEqual([pr.number]);
  });

  it('refuses a pull request with no commits between base and head, or an unknown branch', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'a.txt': '1\n' });
    fake.commit('config', {}, { branch: 'same' });
    const gh = octokit();
    await gh.git.createRef({ ...where, ref: 'refs/heads/level', sha: fake.head('config')! });
    expect(await failure(gh.pulls.create({ ...where, title: 't', head: 'level', base: 'main' }))).toMatchObject({ status: 422, errors: [{ message: 'No commits between main and level' }] });
    expect(await failure(gh.pulls.create({ ...where, title: 't', head: 'nope', base: 'main' }))).toMatchObject({ status: 422, errors: [{ field: 'head' }] });
    expect(await failure(gh.pulls.create({ ...where, title: 't', head: 'same', base: 'nope' }))).toMatchObject({ status: 422, errors: [{ field: 'base' }] });
  });

  it('lets a test merge a pull request: the base branch moves to its head', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'a.txt': '1\n' });
    const gh = octokit();
    const { commit } = await commitOnBranch(gh, { 'converge.yml': 'version: 1\n' });
    const { data: pr } = await gh.pulls.create({ ...where, title: 'Set up', head: 'converge/onboarding', base: 'main' });
    fake.mergePull('config', pr.number);
    expect(fake.head('config')).toBe(commit.sha);
    expect(fake.files('config')['converge.yml']).toBe('version: 1\n');
    expect((await gh.pulls.get({ ...where, pull_number: pr.number })).data).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: commit.sha });
    const listed = (await gh.pulls.list({ ...where, head: 'acme:converge/onboarding', state: 'all' })).data;
    expect(listed.map((p) => Boolean(p.merged_at))).toEqual([true]);
  });
});

describe('contents writes and empty repositories', () => {
  it('makes the first commit of an empty repository through the contents API', async () => {
    const gh = octokit();
    await gh.repos.createInOrg({ org: 'acme', name: 'config', auto_init: false });
    expect((await gh.repos.get(where)).data).toMatchObject({ size: 0, default_branch: 'main' });
    expect(await failure(gh.git.getRef({ ...where, ref: 'heads/main' }))).toMatchObject({ status: 409, message: 'Git Repository is empty.' });
    expect(await failure(gh.repos.listCommits(where))).toMatchObject({ status: 409 });
    expect(await failure(gh.git.createTree({ ...where, tree: [{ path: 'a', mode: '100644', type: 'blob', content: 'a' }] }))).toMatchObject({ status: 409, message: 'Git Repository is empty.' });
    expect(await failure(gh.repos.getContent({ ...where, path: 'converge.yml' }))).toMatchObject({ status: 404 });
    expect(await failure(gh.repos.getBranch({ ...where, branch: 'main' }))).toMatchObject({ status: 404 });

    const { data, status } = await gh.repos.createOrUpdateFileContents({ ...where, path: 'README.md', message: 'Initial commit', content: Buffer.from('# config\n').toString('base64'), branch: 'main' });
    expect(status).toBe(201);
    expect(data.content).toMatchObject({ path: 'README.md', sha: blobSha('# config\n') });
    expect(data.commit.parents).toEqual([]);
    expect(fake.head('config')).toBe(data.commit.sha);
    expect(fake.files('config')).toEqual({ 'README.md': '# config\n' });
    const ref = await gh.git.getRef({ ...where, ref: 'heads/main' });
    expect(ref.data.object.sha).toBe(data.commit.sha);
    const readme = await gh.repos.getContent({ ...where, path: 'README.md' });
    expect(Buffer.from((readme.data as { content: string }).content, 'base64').toString()).toBe('# config\n');
  });

  it('updates a file only with its current sha', async () => {
    fake.addRepo({ name: 'config' });
    fake.commit('config', { 'converge.yml': 'version: 1\n' });
    const gh = octokit();
    const content = Buffer.from('version: 2\n').toString('base64');
    expect(await failure(gh.repos.createOrUpdateFileContents({ ...where, path: 'converge.yml', message: 'm', content }))).toMatchObject({ status: 422 });
    expect(await failure(gh.repos.createOrUpdateFileContents({ ...where, path: 'converge.yml', message: 'm', content, sha: 'f'.repeat(40) }))).toMatchObject({ status: 409 });
    expect(await failure(gh.repos.createOrUpdateFileContents({ ...where, path: 'converge.yml', message: 'm', content, branch: 'nope' }))).toMatchObject({ status: 404 });
    const { status } = await gh.repos.createOrUpdateFileContents({ ...where, path: 'converge.yml', message: 'm', content, sha: blobSha('version: 1\n') });
    expect(status).toBe(200);
    expect(fake.files('config')).toEqual({ 'converge.yml': 'version: 2\n' });
  });
});
