import { hasErrors } from '../core/diagnostics.js';
import { ConfigurationError, RetryableError } from '../core/errors.js';
import { resourceKey } from '../core/resource.js';
import { loadModel } from '../config/load.js';
import { appGitHubError } from '../github-app/errors.js';
import { onboardingState, openOnboardingPullRequest } from '../github-app/onboarding-pr.js';
import { importLive } from '../importer/index.js';
import { configRepoReadme, onboardingBody, type OnboardingFacts } from '../onboarding/text.js';
import type { OnboardJob } from '../queue/jobs.js';
import { providerDeps, type WorkerContext } from './context.js';
import { importFootprint, loadOtherClaims } from './claims.js';
import type { JobReport } from './job-report.js';

export interface OnboardOutcome extends JobReport {
  /** What happened: a PR opened or refreshed, or why none was. */
  result: 'opened' | 'updated' | 'no-repository' | 'configured' | 'opened-before';
  pullNumber?: number;
}

/** The command an operator runs to open the onboarding PR again (README, "Onboarding"). */
export const reopenCommand = (job: OnboardJob) => `npm run onboard -- ${job.owner}/${job.repo}`;

/**
 * Open the onboarding PR on a config repo that has no converge.yml yet: an import of the org,
 * a commented converge.yml with safe settings, and a README. It is opened once: an onboarding
 * PR seen before, open, closed or merged, keeps the app from opening another, unless an
 * operator asks (`manual`), which refreshes an open one or opens a new one. The org is only
 * read; the writes go to the config repo alone (one branch, one PR).
 */
export async function processOnboardJob(job: OnboardJob, context: WorkerContext): Promise<OnboardOutcome> {
  const ref = { owner: job.owner, repo: job.repo };
  const log = context.log.child({ reason: job.reason });
  const client = await context.auth(job.installationId);
  const state = await onboardingState(client, ref);
  if (!state) {
    log.info('onboarding skipped: the config repo does not exist (yet)');
    return { result: 'no-repository' };
  }
  if (state.configured) {
    log.info('onboarding skipped: the config repo has a converge.yml');
    return { result: 'configured' };
  }
  const before = state.pulls[0];
  if (before && job.reason !== 'manual') {
    log.info({ pull: before.number, state: before.state }, `onboarding skipped: it was opened before (#${before.number}); ${reopenCommand(job)} opens it again`);
    return { result: 'opened-before', pullNumber: before.number };
  }

  // The org's other config repos, and what they declare, are theirs: this repo would claim them too.
  const others = await loadOtherClaims(context, client, ref);
  if (others.unknown.length > 0) log.warn({ unknown: others.unknown }, 'onboarding imports what an unreadable config repo may declare: its PR would show claim errors for those');
  const leaveOut = importFootprint(context, ref, others);
  const imported = await importLive({ registry: context.registry, providers: { github: {} }, deps: providerDeps(context, client, job.owner, log), configRepo: job.repo, leaveOut });
  if (imported.failures.length > 0) {
    // Nothing partial is proposed: a PR missing what could not be read would plan it as new.
    const names = imported.failures.slice(0, 5).map((f) => `${resourceKey(f)} (${f.message})`);
    throw new RetryableError(`the org could not be read completely, so no onboarding PR was opened: ${names.join('; ')}${imported.failures.length > 5 ? ` and ${imported.failures.length - 5} more` : ''}`);
  }
  const model = loadModel(imported.files, context.registry);
  if (hasErrors(model.diagnostics)) {
    // The importer writes only what the loader accepts; anything else is a bug to report, not to propose.
    throw new ConfigurationError(`the import does not load cleanly: ${model.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const counts = new Map<string, number>();
  for (const resource of model.resources) counts.set(resource.kind, (counts.get(resource.kind) ?? 0) + 1);
  const facts: OnboardingFacts = { org: job.owner, configRepo: job.repo, counts, planCheck: context.env.CONVERGE_PLAN_CHECK_NAME, applyCheck: context.env.CONVERGE_APPLY_CHECK_NAME };
  const files = new Map(imported.files);
  files.set('README.md', configRepoReadme(facts));
  try {
    const pr = await openOnboardingPullRequest(client, ref, state, {
      files,
      title: 'Set up Converge: import of the org as it is',
      body: onboardingBody({ ...facts, reopenCommand: reopenCommand(job) }),
      message: `Import ${job.owner} into a Converge config repo\n\n${model.resources.length} resources, read by Converge's onboarding.`,
    });
    log.info({ pull: pr.number, resources: model.resources.length, files: files.size }, pr.updated ? 'onboarding PR refreshed' : 'onboarding PR opened');
    return { result: pr.updated ? 'updated' : 'opened', pullNumber: pr.number };
  } catch (error) {
    throw appGitHubError(error, 'write');
  }
}
