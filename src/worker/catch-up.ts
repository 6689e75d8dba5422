import type { Logger } from 'pino';
import { listInstallations, type GitHubClient } from '../github-app/index.js';
import type { Queues } from '../queue/queues.js';

/**
 * On start, ask every installation's config repo to converge. Each job converges from the
 * commit last recorded in GitHub to head, so whatever happened while no worker ran (lost
 * webhooks, a wiped Redis, downtime) is caught up; a repo with nothing new does nothing.
 */
export async function catchUpOnStart(app: GitHubClient, queues: Queues, configRepo: string, log: Logger): Promise<number> {
  const installations = await listInstallations(app);
  let enqueued = 0;
  for (const { id, owner, suspended } of installations) {
    if (!owner || suspended) continue;
    await queues.enqueueConverge({ installationId: id, owner, repo: configRepo });
    enqueued++;
  }
  log.info({ installations: installations.length, enqueued }, 'catch-up convergence enqueued');
  return enqueued;
}
