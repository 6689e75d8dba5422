/**
 * `PUT /repos/{o}/{r}/contents/{path}`: one file written as one commit on a branch. It is the
 * one write that works on an empty repository, where it makes the first commit (on the
 * default branch unless `branch` says otherwise).
 */
import { contentJson } from './git.js';
import { conflict, gitCommitJson } from './git-writes.js';
import { bodyOf, HttpError, ok, unprocessable } from './http.js';
import type { Router } from './router.js';
import type { World } from './world.js';

export function contentRoutes(router: Router, world: World): void {
  const { repos, git } = world;

  router.put(
    '/repos/{owner}/{repo}/contents/{path}',
    (req) => {
      const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
      const body = bodyOf(req);
      const path = req.params.path!.replace(/^\/+|\/+$/g, '');
      const branch = typeof body.branch === 'string' ? body.branch.replace(/^refs\/heads\//, '') : repo.default_branch;
      const head = git.isEmpty(repo) ? undefined : git.resolve(repo, `refs/heads/${branch}`);
      if (!git.isEmpty(repo) && !head) throw new HttpError(404, { message: `Branch ${branch} not found`, documentation_url: 'https://docs.github.com/rest', status: '404' });
      const existing = head?.files.get(path);
      if (existing !== undefined && body.sha === undefined) throw unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
      if (body.sha !== undefined && body.sha !== existing) throw conflict(`${path} does not match ${String(body.sha)}`);
      const content = Buffer.from(String(body.content ?? ''), 'base64').toString('utf8');
      const sha = git.commit(repo, { [path]: content }, { branch, message: String(body.message ?? '') });
      world.pulls.syncHead(repo, branch, sha);
      const commit = git.commitBySha(repo, sha)!;
      const { encoding: _encoding, content: _content, ...file } = contentJson(world, repo, path, 'file', commit.files.get(path)!, branch, true);
      return ok({ content: file, commit: gitCommitJson(world, repo, commit) }, existing === undefined ? 201 : 200);
    },
    ['path'],
  );
}
