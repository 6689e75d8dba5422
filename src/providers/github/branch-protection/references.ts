import type { DesiredResource } from '../../../core/resource.js';
import { referencesTo, type Reference } from '../shared/references.js';
import type { BranchProtection } from './schema.js';

/** Who may push, and the apps that must report required checks. */
export function protectionReferences(resource: DesiredResource): Reference[] {
  const spec = resource.spec as BranchProtection;
  const where = `allowed to push to "${resource.name}"`;
  return [
    ...referencesTo('user', spec.restrictions?.users, where),
    ...referencesTo('team', spec.restrictions?.teams, where),
    ...referencesTo('app', spec.restrictions?.apps, where),
    ...referencesTo('app', spec.requiredStatusChecks?.checks?.flatMap((c) => (c.app ? [c.app] : [])), `the app reporting a required check of "${resource.name}"`),
  ];
}
