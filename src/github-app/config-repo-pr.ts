/**
 * The pieces every PR Converge opens on a config repo is made of (onboarding, adopt): files
 * committed in one tree on top of a parent, a branch of its own moved to that commit, and the
 * PR opened, or refreshed when one from the branch is still open. Branch names are fixed per
 * purpose, so a later job finds its PR again.
 */
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './errors.js';

export interface BranchPull {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  url: string;
  body: string;
}

/** PRs opened from `branch`, newest first, in any state. One read. */
export async function pullsFromBranch(client: GitHubClient, ref: RepoRef, branch: string): Promise<BranchPull[]> {
  const pulls = await client.rest.pulls.list({ owner: ref.owner, repo: ref.repo, head: `${ref.owner}:${branch}`, state: 'all', per_page: 100 });
  return pulls.data
    .map((p) => ({ number: p.number, state: p.state as 'open' | 'closed', merged: Boolean(p.merged_at), url: p.html_url, body: p.body ?? '' }))
    .sort((a, b) => b.number - a.number);
}

/** A branch's tip and its tree, or undefined when there is no such branch. */
export async function branchTip(client: GitHubClient, ref: RepoRef, branch: string): Promise<{ sha: string; tree: string } | undefined> {
  const tip = await client.rest.git.getRef({ owner: ref.owner, repo: ref.repo, ref: `heads/${branch}` }).catch((error: unknown) => {
    // An empty repository has no branch yet: GitHub answers 409 (or 404 for the ref).
    if (statusOf(error) === 409 || statusOf(error) === 404) return undefined;
    throw error;
  });
  if (!tip) return undefined;
  const sha = tip.data.object.sha;
  const commit = await client.rest.git.getCommit({ owner: ref.owner, repo: ref.repo, commit_sha: sha });
  return { sha, tree: commit.data.tree.sha };
}

/** One tree with every file inline on top of the parent's, and one commit: two writes whatever the number of files. */
export async function commitFiles(client: GitHubClient, ref: RepoRef, parent: { sha: string; tree: string }, files: ReadonlyMap<string, string>, message: string): Promise<string> {
  const where = { owner: ref.owner, repo: ref.repo };
  const tree = await client.rest.git.createTree({
    ...where,
    base_tree: parent.tree,
    tree: [...files].map(([path, content]) => ({ path, mode: '100644' as const, type: 'blob' as const, content })),
  });
  const commit = await client.rest.git.createCommit({ ...where, message, tree: tree.data.sha, parents: [parent.sha] });
  return commit.data.sha;
}

/** Point the branch at the commit, creating it or moving it (force: the branch is Converge's own). */
export async function pointBranch(client: GitHubClient, ref: RepoRef, branch: string, sha: string): Promise<void> {
  const where = { owner: ref.owner, repo: ref.repo };
  const branchRef = `heads/${branch}`;
  const exists = await client.rest.git
    .getRef({ ...where, ref: branchRef })
    .then(() => true)
    .catch((error: unknown) => (statusOf(error) === 404 ? false : Promise.reject(error)));
  if (exists) await client.rest.git.updateRef({ ...where, ref: branchRef, sha, force: true });
  else await client.rest.git.createRef({ ...where, ref: `refs/${branchRef}`, sha });
}

export interface PullText {
  branch: string;
  base: string;
  title: string;
  body: string;
}

/** Refresh the open PR's text, or open one from the branch. */
export async function openOrUpdatePull(client: GitHubClient, ref: RepoRef, open: { number: number; url: string } | undefined, pr: PullText): Promise<{ number: number; url: string; updated: boolean }> {
  const where = { owner: ref.owner, repo: ref.repo };
  if (open) {
    await client.rest.pulls.update({ ...where, pull_number: open.number, title: pr.title, body: pr.body });
    return { number: open.number, url: open.url, updated: true };
  }
  const created = await client.rest.pulls.create({ ...where, title: pr.title, head: pr.branch, base: pr.base, body: pr.body, maintainer_can_modify: true });
  return { number: created.data.number, url: created.data.html_url, updated: false };
}
