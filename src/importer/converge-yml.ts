import { stringify } from 'yaml';
import { SETTINGS_SCHEMA_PATH } from './schema-files.js';

/**
 * converge.yml for an imported config repo: the providers imported from, and safe settings
 * spelled out with why, so a first merge changes nothing and deletes nothing.
 */
export function convergeYml(providers: Record<string, unknown>): string {
  const providersBlock = stringify({ providers }, { lineWidth: 0 }).trimEnd();
  return `# yaml-language-server: $schema=${SETTINGS_SCHEMA_PATH}
# How Converge treats this config repo. Written by \`converge import\`; every field is documented
# in the schema above and in Converge's README.

${providersBlock}

prune:
  # Off: a resource removed from this repo is reported, never deleted. Turn it on once plans
  # show what you expect; maxDeletionsPerRun still caps how many go in one run.
  enabled: false

drift:
  # report: changes made outside this repo (in GitHub's settings, by hand in the database) are
  # reported in an issue and left alone; revert puts back what the files say.
  mode: report
`;
}
