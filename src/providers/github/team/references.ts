import type { DesiredResource } from '../../../core/resource.js';
import type { ConfigProblem } from '../kind.js';
import { slugOf } from '../shared/names.js';
import { referencesTo, type Reference } from '../shared/references.js';
import type { Team } from './schema.js';

/** Its parent, and the people it lists: those must be org members already (GitHub would invite them). */
export function teamReferences(resource: DesiredResource): Reference[] {
  const spec = resource.spec as Team;
  return [
    ...(spec.parent ? referencesTo('team', [spec.parent], `the parent of team "${resource.name}"`) : []),
    ...referencesTo('user', spec.members, `a member of team "${resource.name}"`, 'required'),
    ...referencesTo('user', spec.maintainers, `a maintainer of team "${resource.name}"`, 'required'),
  ];
}

/** GitHub derives a team's slug from its name, so a `name` giving another slug can never converge. */
export function teamConfigProblems(resource: DesiredResource): ConfigProblem[] {
  const name = (resource.spec as Team).name;
  if (name === undefined || slugOf(name) === resource.name) return [];
  return [
    {
      code: 'github.team-slug',
      message: `Team name "${name}" gives the slug "${slugOf(name)}", not "${resource.name}": GitHub derives a team's slug from its name, so rename the resource or change spec.name.`,
    },
  ];
}
