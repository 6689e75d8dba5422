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

/**
 * The events each installation is subscribed to, asked of GitHub as the app (not counted
 * against the installation's rate limit) and remembered for `ttlMs`. A failure is logged and
 * answers undefined (unknown), and is asked again next time.
 */
export function installationEvents(app: () => Promise<GitHubClient>, ttlMs: number, onError: (error: unknown) => void): (installationId: number) => Promise<ReadonlySet<string> | undefined> {
  const known = new Map<number, { at: number; events: ReadonlySet<string> }>();
  return async (installationId) => {
    const hit = known.get(installationId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.events;
    try {
      const { data } = await (await app()).rest.apps.getInstallation({ installation_id: installationId });
      const events = new Set(data.events);
      known.set(installationId, { at: Date.now(), events });
      return events;
    } catch (error) {
      onError(error);
      return undefined;
    }
  };
}
