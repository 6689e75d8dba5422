import type { Logger } from 'pino';
import type { GitHubClient } from '../providers/deps.js';
import type { Queues } from '../queue/queues.js';

/**
 * On start, ask every installation's config repo to converge. Each job converges from the
 * commit last recorded in GitHub to head, so whatever happened while no worker ran (lost
 * webhooks, a wiped Redis, downtime) is caught up; a repo with nothing new does nothing.
 */
export async function catchUpOnStart(app: GitHubClient, queues: Queues, configRepo: string, log: Logger): Promise<number> {
  const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
  let enqueued = 0;
  for (const installation of installations) {
    const owner = installation.account && 'login' in installation.account ? installation.account.login : undefined;
    if (!owner || installation.suspended_at) continue;
    await queues.enqueueConverge({ installationId: installation.id, owner, repo: configRepo });
    enqueued++;
  }
  log.info({ installations: installations.length, enqueued }, 'catch-up convergence enqueued');
  return enqueued;
}
