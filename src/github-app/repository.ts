import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './errors.js';

/** The commit the config repo's default branch points at now. */
export async function defaultBranchHead(client: GitHubClient, ref: RepoRef): Promise<string> {
  const { data: repo } = await client.rest.repos.get({ owner: ref.owner, repo: ref.repo });
  const { data: branch } = await client.rest.repos.getBranch({ owner: ref.owner, repo: ref.repo, branch: repo.default_branch });
  return branch.commit.sha;
}

/** One file's text on the default branch; undefined when it does not exist there. */
export async function defaultBranchFile(client: GitHubClient, ref: RepoRef, path: string): Promise<string | undefined> {
  try {
    // No `ref`: GitHub answers from the default branch.
    const { data } = await client.rest.repos.getContent({ owner: ref.owner, repo: ref.repo, path, mediaType: { format: 'raw' } });
    return typeof data === 'string' ? data : '';
  } catch (thrown) {
    if (statusOf(thrown) === 404) return undefined;
    throw thrown;
  }
}

/** The permission GitHub gives `username` on the repository (`admin`, `write`, `read`, `none`, ...). */
export async function repositoryPermission(client: GitHubClient, ref: RepoRef, username: string): Promise<string> {
  const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ owner: ref.owner, repo: ref.repo, username });
  return data.permission;
}
