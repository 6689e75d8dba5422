/**
 * The words of the onboarding PR: the README it adds to the config repo, for the people who
 * will change the org through it, and the PR's own description.
 */

export interface OnboardingFacts {
  org: string;
  configRepo: string;
  /** Resources imported, per kind. */
  counts: ReadonlyMap<string, number>;
  /** The app's check run names, as this deployment calls them. */
  planCheck: string;
  applyCheck: string;
}

const countLines = (counts: ReadonlyMap<string, number>) =>
  [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `| \`${kind}\` | ${n.toLocaleString('en-US')} |`);

/** README.md of a newly onboarded config repo. */
export function configRepoReadme(facts: OnboardingFacts): string {
  return `# ${facts.configRepo}

This repository is how **${facts.org}** is changed: its repositories, labels, teams, permissions,
branch protection and more are declared here in YAML, and Converge makes the org match.

## How to change something

1. Edit or add a YAML file on a branch, and open a pull request.
2. Read the **${facts.planCheck}** check on the PR: it lists exactly what merging would change
   in ${facts.org}, field by field, and marks risky changes. Errors are annotated on the line.
3. Get it reviewed and merge. Converge applies it and reports the result in the
   **${facts.applyCheck}** check on the merge commit.

Never change what is declared here by hand in GitHub's settings: Converge reports such
changes as drift in an issue on this repository (and, where \`drift.mode\` is \`revert\`,
changes them back).

## Layout

| Path | What |
| --- | --- |
| \`converge.yml\` | settings: providers, drift mode, prune policy, schedule |
| \`repos/<name>.yml\` | one repository and everything in it (labels, protection, rulesets, environments, variables, collaborators, team grants) |
| \`teams/<slug>.yml\` | one team with its members |
| \`org/\` | org-wide resources (members, org variables, org rulesets) |
| \`.converge/\` | JSON Schemas: editors complete and check the YAML with them |

Only the fields a file writes are managed: a field left out keeps whatever value it has.

## Before you push

Converge's command line checks your changes on your machine: \`converge validate\` checks
every file offline (for pre-commit hooks and CI), and \`converge plan --base main\` shows the
plan of your working copy against the live org, read-only. See Converge's README,
"The \`converge\` CLI".
`;
}

/** The onboarding PR's description. */
export function onboardingBody(facts: OnboardingFacts & { reopenCommand: string }): string {
  const total = [...facts.counts.values()].reduce((a, b) => a + b, 0);
  return `Converge was installed on **${facts.org}** and this config repo has no \`converge.yml\` yet, so
this PR sets it up: an import of the org as it is today (${total.toLocaleString('en-US')} resources),
a commented \`converge.yml\` with safe settings, and a README for the people who will use it.

- **It changes nothing in ${facts.org}.** The **${facts.planCheck}** check on this PR should say
  *no changes*: that proves the import matches the org. If it lists changes, something moved
  while it was read; re-run the check.
- **Safe settings.** \`prune\` is off (nothing is ever deleted until you turn it on) and drift is
  only reported, never reverted.
- Only values that differ from GitHub's defaults are written, so the files stay short.
  Secrets are never written.

| Kind | Imported |
| --- | ---: |
${countLines(facts.counts).join('\n')}

Merge it to start managing ${facts.org} by pull request. Closing it without merging is fine:
it is not opened again. To open it again later, run \`${facts.reopenCommand}\` where Converge is deployed.
`;
}
