import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './errors.js';

/** The branch every onboarding PR comes from: one per config repo, so it is found again. */
export const ONBOARDING_BRANCH = 'converge/onboarding';

export interface OnboardingState {
  defaultBranch: string;
  /** The default branch's tip; undefined for a repository with no commit yet. */
  head?: { sha: string; tree: string };
  /** The default branch already has a converge.yml: the repo is set up. */
  configured: boolean;
  /** Onboarding PRs opened before, newest first, in any state. */
  pulls: Array<{ number: number; state: 'open' | 'closed'; merged: boolean; url: string }>;
}

/** What the onboarding job needs to decide: is the repo set up, and was a PR opened before. Three or four reads. */
export async function onboardingState(client: GitHubClient, ref: RepoRef): Promise<OnboardingState | undefined> {
  let repository;
  try {
    repository = (await client.rest.repos.get({ owner: ref.owner, repo: ref.repo })).data;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
  const defaultBranch = repository.default_branch;
  const pulls = await client.rest.pulls.list({ owner: ref.owner, repo: ref.repo, head: `${ref.owner}:${ONBOARDING_BRANCH}`, state: 'all', per_page: 100 });
  const previous = pulls.data
    .map((p) => ({ number: p.number, state: p.state as 'open' | 'closed', merged: Boolean(p.merged_at), url: p.html_url }))
    .sort((a, b) => b.number - a.number);
  const tip = await client.rest.git.getRef({ owner: ref.owner, repo: ref.repo, ref: `heads/${defaultBranch}` }).catch((error: unknown) => {
    // An empty repository has no branch yet: GitHub answers 409 (or 404 for the ref).
    if (statusOf(error) === 409 || statusOf(error) === 404) return undefined;
    throw error;
  });
  if (!tip) return { defaultBranch, configured: false, pulls: previous };
  const sha = tip.data.object.sha;
  const commit = await client.rest.git.getCommit({ owner: ref.owner, repo: ref.repo, commit_sha: sha });
  const configured = await client.rest.repos
    .getContent({ owner: ref.owner, repo: ref.repo, path: 'converge.yml', ref: sha })
    .then(() => true)
    .catch((error: unknown) => (statusOf(error) === 404 ? false : Promise.reject(error)));
  return { defaultBranch, head: { sha, tree: commit.data.tree.sha }, configured, pulls: previous };
}

export interface OnboardingPullRequest {
  files: ReadonlyMap<string, string>;
  title: string;
  body: string;
  message: string;
}

/**
 * Commit the files on the onboarding branch, on top of the default branch, and open the PR
 * (or, when one is still open, move its branch and refresh its text). One tree with every
 * file inline, one commit, one ref, one PR: five writes whatever the number of files. A
 * repository with no commit yet first gets one (its README), since Git has nothing to branch
 * from until then.
 */
export async function openOnboardingPullRequest(client: GitHubClient, ref: RepoRef, state: OnboardingState, pr: OnboardingPullRequest): Promise<{ number: number; url: string; updated: boolean }> {
  const where = { owner: ref.owner, repo: ref.repo };
  let head = state.head;
  if (!head) {
    const readme = pr.files.get('README.md') ?? `# ${ref.repo}\n`;
    const created = await client.rest.repos.createOrUpdateFileContents({ ...where, path: 'README.md', message: 'Initial commit', content: Buffer.from(readme).toString('base64'), branch: state.defaultBranch });
    const sha = created.data.commit.sha!;
    head = { sha, tree: (await client.rest.git.getCommit({ ...where, commit_sha: sha })).data.tree.sha };
  }
  const tree = await client.rest.git.createTree({
    ...where,
    base_tree: head.tree,
    tree: [...pr.files].map(([path, content]) => ({ path, mode: '100644' as const, type: 'blob' as const, content })),
  });
  const commit = await client.rest.git.createCommit({ ...where, message: pr.message, tree: tree.data.sha, parents: [head.sha] });
  const branchRef = `heads/${ONBOARDING_BRANCH}`;
  const exists = await client.rest.git
    .getRef({ ...where, ref: branchRef })
    .then(() => true)
    .catch((error: unknown) => (statusOf(error) === 404 ? false : Promise.reject(error)));
  if (exists) await client.rest.git.updateRef({ ...where, ref: branchRef, sha: commit.data.sha, force: true });
  else await client.rest.git.createRef({ ...where, ref: `refs/${branchRef}`, sha: commit.data.sha });

  const open = state.pulls.find((p) => p.state === 'open');
  if (open) {
    await client.rest.pulls.update({ ...where, pull_number: open.number, title: pr.title, body: pr.body });
    return { number: open.number, url: open.url, updated: true };
  }
  const created = await client.rest.pulls.create({ ...where, title: pr.title, head: ONBOARDING_BRANCH, base: state.defaultBranch, body: pr.body, maintainer_can_modify: true });
  return { number: created.data.number, url: created.data.html_url, updated: false };
}
