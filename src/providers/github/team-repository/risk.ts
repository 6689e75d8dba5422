import type { Change } from '../../../core/plan-types.js';
import type { Risk } from '../../../core/risk.js';
import { splitChildName } from '../shared/names.js';
import { destructive, raisedPermission, sensitive, was } from '../shared/risk.js';

const team = (name: string) => splitChildName(name)?.parent;

/**
 * `maintain` and `admin` reach past code (settings, webhooks, deletion for admin); a team's
 * grant reaches every member, present and future. Lower grants are the kind's daily work.
 */
export function classifyTeamRepository(change: Change): Risk | undefined {
  const grant = splitChildName(change.name) ?? { parent: change.name, child: change.name };
  if (change.action === 'delete') return destructive(`Removes team ${grant.parent}'s access to ${grant.child}: its members lose what the team granted.`);
  const raise = raisedPermission(change, 'maintain', team);
  return raise && sensitive(`Grants team ${grant.parent} ${raise.to} on ${grant.child}${was(raise)}.`);
}
