import type { DesiredResource } from '../../../core/resource.js';
import { referencesTo, type Reference } from '../shared/references.js';
import type { Environment } from './schema.js';

export function environmentReferences(resource: DesiredResource): Reference[] {
  const spec = resource.spec as Environment;
  const role = `a reviewer of environment "${resource.name}"`;
  return [...referencesTo('user', spec.reviewers?.users, role), ...referencesTo('team', spec.reviewers?.teams, role)];
}
