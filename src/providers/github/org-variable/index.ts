import type { GitHubKind } from '../kind.js';
import { variableNameProblem } from '../shared/names.js';
import { applyOrgVariable } from './apply.js';
import { orgVariables, readOrgVariables } from './read.js';
import { classifyOrgVariable } from './risk.js';
import { OrgVariable } from './schema.js';

export { OrgVariable } from './schema.js';

export const orgVariableKind: GitHubKind<OrgVariable> = {
  kind: 'github.org-variable',
  description: 'An Actions variable of the org, named <NAME>, with its visibility; renamed in place.',
  spec: OrgVariable,
  renamable: true,
  classify: classifyOrgVariable,
  validateName: variableNameProblem,
  read: readOrgVariables,
  apply: applyOrgVariable,
  bulkRead: orgVariables,
  // Converge creates an org variable without visibility as private (the narrowest).
  importDefaults: () => ({ visibility: 'private' }),
};
