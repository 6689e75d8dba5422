import type { GitHubKind } from '../kind.js';
import { caseInsensitiveKey, labelNameProblem } from '../shared/names.js';
import { bulkRepositories } from '../shared/bulk-repositories.js';
import { applyLabel } from './apply.js';
import { readLabels } from './read.js';
import { classifyLabel } from './risk.js';
import { Label } from './schema.js';

export { Label } from './schema.js';

export const labelKind: GitHubKind<Label> = {
  kind: 'github.label',
  description: 'A label of a repository, named <repository>/<label>; renamed in place, keeping its issues.',
  spec: Label,
  renamable: true,
  classify: classifyLabel,
  validateName: labelNameProblem,
  nameKey: caseInsensitiveKey,
  nameRule: 'GitHub compares repository and label names without regard to case',
  read: readLabels,
  apply: applyLabel,
  // Each repository's first 100 labels come with it in the repositories query.
  bulkRead: bulkRepositories,
  footprint: (configRepo) => `${configRepo}/**`,
  // GitHub gives a label created without a color this grey.
  importDefaults: () => ({ color: 'ededed', description: '' }),
};
