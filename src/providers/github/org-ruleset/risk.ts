import { rulesetClassifier } from '../ruleset/risk.js';

/** Weakens the way a repository ruleset does, across every repository it selects. */
export const classifyOrgRuleset = rulesetClassifier((name) => `org ruleset ${name}`);
