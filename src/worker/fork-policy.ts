/**
 * Fork PRs: their author controls the YAML the plan job loads, and the plan reads live state
 * with the app's credentials. So they are planned only when the config repo's converge.yml
 * *on the default branch* says `plans: { forks: true }` (never the PR's own copy), and even
 * then variable values read live are hidden from the rendered plan.
 */
import { loadModel } from '../config/load.js';
import { REPO_CONFIG_FILE } from '../config/schema.js';
import type { Registry } from '../core/registry.js';
import { defaultBranchFile, type CheckResult, type GitHubClient, type RepoRef } from '../github-app/index.js';
import type { RedactedFields } from '../github-app/render/redact.js';
import type { ProviderDeps } from '../providers/deps.js';

/** Live values a fork PR's plan never shows. */
export const FORK_REDACTED_FIELDS: RedactedFields = {
  'github.variable': ['value'],
  'github.org-variable': ['value'],
};

/** True only when the default branch's converge.yml loads cleanly and opts in. */
export async function forkPlansAllowed(client: GitHubClient, ref: RepoRef, registry: Registry<ProviderDeps>): Promise<boolean> {
  const text = await defaultBranchFile(client, ref, REPO_CONFIG_FILE);
  if (text === undefined) return false; // no converge.yml: the defaults, which say no
  const model = loadModel(new Map([[REPO_CONFIG_FILE, text]]), registry);
  return !model.diagnostics.some((d) => d.severity === 'error') && model.config.plans.forks;
}

export const forkNotPlanned: CheckResult = {
  conclusion: 'neutral',
  title: 'Pull requests from forks are not planned',
  summary: [
    'This pull request comes from a fork, so Converge did not compute a plan and read nothing from the target systems.',
    'A plan reads live state with the app’s credentials, and its output is visible to the PR’s author.',
    '',
    `An admin can opt in by setting \`plans: { forks: true }\` in \`${REPO_CONFIG_FILE}\` on the default branch (a fork’s own copy never counts).`,
    'Live values of Actions variables are hidden from fork plans even then.',
  ].join('\n'),
};
