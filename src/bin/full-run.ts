import { configRepoArgument, enqueueForConfigRepo, runOperatorCommand } from './operator.js';

/**
 * `npm run full-run -- owner/repo [--allow-deletions] [--allow-updates]`: enqueue a full
 * reconciliation of a config repo now, optionally lifting the limits per run for it. Needs the
 * app's credentials (to find the installation) and Redis.
 */
runOperatorCommand(async (args) => {
  const ref = configRepoArgument(args, 'npm run full-run -- <owner>/<config-repo> [--allow-deletions] [--allow-updates]');
  await enqueueForConfigRepo(ref, (job, queues) =>
    queues.enqueueFullRun({
      ...job,
      reason: 'manual',
      ...(args.includes('--allow-deletions') ? { overrideMaxDeletions: true } : {}),
      ...(args.includes('--allow-updates') ? { overrideMaxUpdates: true } : {}),
    }),
  );
  console.info(`Full run of ${ref.owner}/${ref.repo} enqueued; a worker will pick it up.`);
});
