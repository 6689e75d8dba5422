import type { Change } from '../../../core/plan-types.js';
import type { Risk } from '../../../core/risk.js';
import { splitChildName } from '../shared/names.js';
import { destructive, raisedPermission, sensitive, was } from '../shared/risk.js';

const login = (name: string) => splitChildName(name)?.child;

/**
 * A collaborator is access outside the org's teams, often someone outside the org: letting
 * them write (`push`) or more is already worth a reviewer's look.
 */
export function classifyCollaborator(change: Change): Risk | undefined {
  const access = splitChildName(change.name) ?? { parent: change.name, child: change.name };
  if (change.action === 'delete') return destructive(`Removes collaborator ${access.child} from ${access.parent}: their direct access ends.`);
  const raise = raisedPermission(change, 'push', login);
  return raise && sensitive(`Grants outside collaborator ${access.child} ${raise.to} on ${access.parent}${was(raise)}.`);
}
