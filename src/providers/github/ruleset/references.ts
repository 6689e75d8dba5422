import type { DesiredResource } from '../../../core/resource.js';
import { referencesTo, type Reference } from '../shared/references.js';
import type { OrgRuleset } from './schema.js';

/** The teams and users allowed to bypass a ruleset (a repository's or the org's: same actors). */
export function bypassReferences(resource: DesiredResource): Reference[] {
  const actors = (resource.spec as OrgRuleset).bypassActors ?? [];
  const role = `allowed to bypass ruleset "${resource.name}"`;
  return [
    ...referencesTo('team', actors.flatMap((a) => (a.type === 'team' ? [a.name] : [])), role),
    ...referencesTo('user', actors.flatMap((a) => (a.type === 'user' ? [a.name] : [])), role),
  ];
}
