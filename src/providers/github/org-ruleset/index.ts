import type { GitHubKind } from '../kind.js';
import { controlCharacterProblem } from '../shared/names.js';
import { applyRuleset } from '../ruleset/apply.js';
import { diffRuleset } from '../ruleset/live.js';
import { orgRulesets, readOrgRulesets } from '../ruleset/read.js';
import { bypassReferences } from '../ruleset/references.js';
import { OrgRuleset } from '../ruleset/schema.js';
import { orgScope } from '../ruleset/scope.js';
import { classifyOrgRuleset } from './risk.js';

export { OrgRuleset } from '../ruleset/schema.js';

/** Shares everything with `github.ruleset` but its scope: the org's own rulesets API. */
export const orgRulesetKind: GitHubKind<OrgRuleset> = {
  kind: 'github.org-ruleset',
  description: 'A ruleset of the org, named <ruleset name>, applied to the repositories its conditions select.',
  spec: OrgRuleset,
  renamable: true,
  classify: classifyOrgRuleset,
  validateName: (name) =>
    controlCharacterProblem('ruleset', name) ??
    (name.trim() === name && name.length > 0 ? undefined : `"${name}" is not a ruleset name: it must not be empty or start or end with spaces.`),
  diff: diffRuleset,
  read: readOrgRulesets,
  apply: (change, ctx) => applyRuleset(orgScope, change, ctx),
  bulkRead: orgRulesets,
  references: bypassReferences,
  importDefaults: () => ({ target: 'branch', enforcement: 'active', bypassActors: [], rules: [] }),
};
