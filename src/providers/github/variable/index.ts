import type { GitHubKind } from '../kind.js';
import { childNameProblem, IGNORES_CASE_OF_REPOSITORY, repositoryChildKey, repositoryNameProblem, variableNameProblem } from '../shared/names.js';
import { applyVariable } from './apply.js';
import { readVariables, repositoryVariables } from './read.js';
import { classifyVariable } from './risk.js';
import { Variable } from './schema.js';

export { Variable } from './schema.js';

export const variableKind: GitHubKind<Variable> = {
  kind: 'github.variable',
  description: 'An Actions variable of a repository, named <repository>/<NAME>; renamed in place.',
  spec: Variable,
  renamable: true,
  classify: classifyVariable,
  validateName: (name) => childNameProblem(name, '<repository>/<NAME>, for example "api/REGION"', repositoryNameProblem, variableNameProblem),
  nameKey: repositoryChildKey,
  nameRule: IGNORES_CASE_OF_REPOSITORY,
  read: readVariables,
  apply: applyVariable,
  bulkRead: repositoryVariables,
  footprint: (configRepo) => `${configRepo}/**`,
};
