import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { addedItems, destructive, listed, sensitive } from '../shared/risk.js';

/**
 * A team maintainer may add anyone to the team, and so to everything the team is granted;
 * deleting a team takes every grant it holds with it. Members are the team's daily work.
 */
export function classifyTeam(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Deletes team ${change.name}: its members lose every access the team grants.`);
  const maintainers = fieldChange(change, 'maintainers');
  const added = maintainers ? addedItems(maintainers.before, maintainers.after) : [];
  if (added.length === 0) return undefined;
  return sensitive(`Makes ${listed(added)} ${added.length === 1 ? 'a maintainer' : 'maintainers'} of team ${change.name}: they can add anyone to it.`);
}
