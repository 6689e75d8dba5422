import { configRepoArgument, enqueueForConfigRepo, runOperatorCommand } from './operator.js';

/**
 * `npm run onboard -- owner/repo`: open the onboarding PR of a config repo again, after one
 * was closed without merging (the app never reopens it by itself). A worker picks it up; the
 * config repo must still have no converge.yml.
 */
runOperatorCommand(async (args) => {
  const ref = configRepoArgument(args, 'npm run onboard -- <owner>/<config-repo>');
  await enqueueForConfigRepo(ref, (job, queues) => queues.enqueueOnboarding({ ...job, reason: 'manual' }));
  console.info(`Onboarding of ${ref.owner}/${ref.repo} enqueued; a worker will open the PR (nothing happens if converge.yml exists).`);
});
