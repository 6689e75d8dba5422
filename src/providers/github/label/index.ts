import type { GitHubKind } from '../kind.js';
import { caseInsensitiveKey, labelNameProblem } from '../names.js';
import { applyLabel } from './apply.js';
import { readLabels } from './read.js';
import { Label } from './schema.js';

export { Label } from './schema.js';

export const labelKind: GitHubKind<Label> = {
  kind: 'github.label',
  description: 'A label of a repository, named <repository>/<label>; renamed in place, keeping its issues.',
  spec: Label,
  renamable: true,
  validateName: labelNameProblem,
  nameKey: caseInsensitiveKey,
  nameRule: 'GitHub compares repository and label names without regard to case',
  read: readLabels,
  apply: applyLabel,
};
