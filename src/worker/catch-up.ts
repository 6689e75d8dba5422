import type { Logger } from 'pino';
import { configRepos } from '../env/config-repos.js';
import { listInstallations, type GitHubClient } from '../github-app/index.js';
import { listInstallationRepos } from '../github-app/installation-repos.js';
import type { Queues } from '../queue/queues.js';

/**
 * On start, ask every config repo of every installation to converge. Each job converges from
 * the commit last recorded in GitHub to head, so whatever happened while no worker ran (lost
 * webhooks, a wiped Redis, downtime) is caught up; a repo with nothing new does nothing.
 * `configRepo` is CONVERGE_CONFIG_REPO: plain names are enqueued as they are (a job for a
 * repo that does not exist does nothing); a pattern is matched against the repositories each
 * installation can reach, so every matching repo is found.
 */
export async function catchUpOnStart(
  app: GitHubClient,
  queues: Queues,
  configRepo: string,
  log: Logger,
  /** Installation clients, to list an installation's repositories; needed only for patterns. */
  auth?: (installationId: number) => Promise<GitHubClient>,
): Promise<number> {
  const repos = configRepos(configRepo);
  const matchingRepos = async (installationId: number) => {
    if (!auth) throw new TypeError('catchUpOnStart: CONVERGE_CONFIG_REPO has a pattern, so installation clients are needed to list repositories');
    return (await listInstallationRepos(await auth(installationId))).filter((name) => repos.matches(name));
  };
  const installations = await listInstallations(app);
  let enqueued = 0;
  for (const { id, owner, suspended } of installations) {
    if (!owner || suspended) continue;
    let names: readonly string[];
    try {
      if (repos.names) names = repos.names;
      else {
        names = await matchingRepos(id);
        // The drift handler turns the org's events into drift checks of these (known-config-repos.ts).
        await queues.configRepos.remember(owner, names);
      }
    } catch (error) {
      // One installation that cannot be listed does not hold back the others.
      log.warn({ err: error, installation: id, owner }, 'catch-up could not list the installation\'s repositories');
      continue;
    }
    for (const repo of names) {
      await queues.enqueueConverge({ installationId: id, owner, repo });
      enqueued++;
    }
  }
  log.info({ installations: installations.length, enqueued }, 'catch-up convergence enqueued');
  return enqueued;
}
