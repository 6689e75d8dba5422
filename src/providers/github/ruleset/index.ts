import type { GitHubKind } from '../kind.js';
import { childNameProblem, controlCharacterProblem, IGNORES_CASE_OF_REPOSITORY, repositoryChildKey, repositoryNameProblem } from '../shared/names.js';
import { applyRuleset } from './apply.js';
import { diffRuleset } from './live.js';
import { readRulesets, rulesetsOfRepositories } from './read.js';
import { bypassReferences } from './references.js';
import { classifyRuleset } from './risk.js';
import { Ruleset } from './schema.js';
import { repositoryScope } from './scope.js';

export { Ruleset } from './schema.js';

export const rulesetKind: GitHubKind<Ruleset> = {
  kind: 'github.ruleset',
  description: 'A ruleset of a repository, named <repository>/<ruleset name>: target, enforcement, conditions, bypass actors, rules.',
  spec: Ruleset,
  renamable: true,
  classify: classifyRuleset,
  validateName: (name) => childNameProblem(name, '<repository>/<ruleset name>, for example "api/protect main"', repositoryNameProblem, (child) => controlCharacterProblem('ruleset', child)),
  nameKey: repositoryChildKey,
  nameRule: IGNORES_CASE_OF_REPOSITORY,
  diff: diffRuleset,
  read: readRulesets,
  apply: (change, ctx) => applyRuleset(repositoryScope, change, ctx),
  bulkRead: rulesetsOfRepositories,
  references: bypassReferences,
  footprint: (configRepo) => `${configRepo}/**`,
  // Converge creates a ruleset without enforcement as active; GitHub's target default is branch.
  importDefaults: () => ({ target: 'branch', enforcement: 'active', bypassActors: [], rules: [] }),
};
