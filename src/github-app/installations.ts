import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './errors.js';

export interface Installation {
  id: number;
  /** The org or user the app is installed on; undefined for an account GitHub no longer names. */
  owner: string | undefined;
  suspended: boolean;
}

/** Every installation of the app, as the app itself (not an installation) sees them. */
export async function listInstallations(app: GitHubClient): Promise<Installation[]> {
  const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
  return installations.map((installation) => ({
    id: installation.id,
    owner: installation.account && 'login' in installation.account ? installation.account.login : undefined,
    suspended: Boolean(installation.suspended_at),
  }));
}

/** The id of the installation covering the repository; undefined when the app is not installed there (or it does not exist). */
export async function repositoryInstallation(app: GitHubClient, ref: RepoRef): Promise<number | undefined> {
  try {
    const { data } = await app.rest.apps.getRepoInstallation({ owner: ref.owner, repo: ref.repo });
    return data.id;
  } catch (thrown) {
    if (statusOf(thrown) === 404) return undefined;
    throw thrown;
  }
}
