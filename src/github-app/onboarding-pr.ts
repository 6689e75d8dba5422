import type { GitHubClient, RepoRef } from './client.js';
import { branchTip, commitFiles, openOrUpdatePull, pointBranch, pullsFromBranch } from './config-repo-pr.js';
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
  const previous = (await pullsFromBranch(client, ref, ONBOARDING_BRANCH)).map(({ body: _body, ...pull }) => pull);
  const head = await branchTip(client, ref, defaultBranch);
  if (!head) return { defaultBranch, configured: false, pulls: previous };
  const { sha } = head;
  const configured = await client.rest.repos
    .getContent({ owner: ref.owner, repo: ref.repo, path: 'converge.yml', ref: sha })
    .then(() => true)
    .catch((error: unknown) => (statusOf(error) === 404 ? false : Promise.reject(error)));
  return { defaultBranch, head, configured, pulls: previous };
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
  const sha = await commitFiles(client, ref, head, pr.files, pr.message);
  await pointBranch(client, ref, ONBOARDING_BRANCH, sha);
  const open = state.pulls.find((p) => p.state === 'open');
  return openOrUpdatePull(client, ref, open, { branch: ONBOARDING_BRANCH, base: state.defaultBranch, title: pr.title, body: pr.body });
}
