import type { GitHubClient } from './client.js';

/**
 * The names of every repository the installation can reach, as the installation sees them
 * (`GET /installation/repositories`, 100 a page). The client must be the installation's own:
 * an org's config repos are found among these.
 */
export async function listInstallationRepos(client: GitHubClient): Promise<string[]> {
  const repos = await client.paginate(client.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
  return repos.map((repo) => repo.name);
}
