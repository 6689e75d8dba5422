import type { ApplicationFunction, Context } from 'probot';
import type { Queues } from '../queue/queues.js';
import type { AppEnv } from '../settings/env.js';

export interface AppOptions {
  queues: Queues;
  env: AppEnv;
}

type RepoPayload = { name: string; default_branch?: string; owner: { login?: string; name?: string | null } | null; full_name?: string };

/**
 * Webhook handlers: verify (Probot checks the signature before any handler runs), filter to
 * the config repo the admin named, enqueue, return. All real work happens in workers.
 * An enqueue failure propagates, so the webhook answers 5xx and can be redelivered.
 */
export function convergeApp({ queues, env }: AppOptions): ApplicationFunction {
  const isConfigRepo = (repo: RepoPayload) => repo.name.toLowerCase() === env.CONVERGE_CONFIG_REPO.toLowerCase();
  const base = (context: Context, repo: RepoPayload) => ({
    installationId: context.payload && 'installation' in context.payload ? Number(context.payload.installation?.id) : NaN,
    owner: repo.owner?.login ?? repo.owner?.name ?? repo.full_name?.split('/')[0] ?? '',
    repo: repo.name,
  });

  return (app) => {
    app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], async (context) => {
      const { pull_request: pr, repository } = context.payload;
      if (!isConfigRepo(repository) || !context.payload.installation) return;
      // Only PRs into the default branch can ever converge, so only they get a plan.
      if (pr.base.ref !== repository.default_branch) return;
      await queues.enqueuePlan({ ...base(context, repository), pullNumber: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha });
    });

    type PullRef = { number: number; base: { ref: string; sha: string } };
    const replan = async (context: Context, repository: RepoPayload, headSha: string, pulls: PullRef[]) => {
      for (const pr of pulls) {
        if (pr.base.ref !== repository.default_branch) continue;
        // The delivery id makes a re-run a new job even for a head that was planned before.
        await queues.enqueuePlan({ ...base(context, repository), pullNumber: pr.number, headSha, baseSha: pr.base.sha }, context.id);
      }
    };

    app.on('check_run.rerequested', async (context) => {
      const { check_run: run, repository } = context.payload;
      if (!isConfigRepo(repository) || !context.payload.installation) return;
      if (run.name === env.CONVERGE_PLAN_CHECK_NAME) await replan(context, repository, run.head_sha, run.pull_requests);
      else if (run.name === env.CONVERGE_APPLY_CHECK_NAME) await queues.enqueueConverge({ ...base(context, repository), afterSha: run.head_sha });
    });

    app.on('check_suite.rerequested', async (context) => {
      const { check_suite: suite, repository } = context.payload;
      if (!isConfigRepo(repository) || !context.payload.installation) return;
      await replan(context, repository, suite.head_sha, suite.pull_requests);
      if (suite.head_branch === repository.default_branch) await queues.enqueueConverge({ ...base(context, repository), afterSha: suite.head_sha });
    });

    // `/converge full-run` (optionally `--allow-deletions`) in an issue or PR comment of the
    // config repo; the worker checks that the author is an admin before running anything.
    app.on('issue_comment.created', async (context) => {
      const { comment, issue, repository } = context.payload;
      if (!isConfigRepo(repository) || !context.payload.installation) return;
      const command = comment.body.trim().match(/^\/converge\s+full-run(\s+--allow-deletions)?\s*$/m);
      if (!command) return;
      await queues.enqueueFullRun({
        ...base(context, repository),
        reason: 'manual',
        requestedBy: comment.user?.login ?? "",
        requestedIn: issue.number,
        ...(command[1] ? { overrideMaxDeletions: true } : {}),
      });
    });

    app.on('push', async (context) => {
      const { repository, ref, deleted, after } = context.payload;
      if (!isConfigRepo(repository) || !context.payload.installation || deleted) return;
      if (ref !== `refs/heads/${repository.default_branch}`) return;
      await queues.enqueueConverge({ ...base(context, repository), afterSha: after });
    });
  };
}
