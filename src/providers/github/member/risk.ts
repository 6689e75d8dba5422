import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { destructive, sensitive } from '../shared/risk.js';

/**
 * Members are read-only, so these changes are never applied; the classification says how much
 * the reported difference matters: an org owner is admin of every repository.
 */
export function classifyMember(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Removes ${change.name} from the org, with every access they have through it.`);
  const role = fieldChange(change, 'role');
  if (role?.after !== 'admin') return undefined;
  return sensitive(`Makes ${change.name} an org owner${typeof role.before === 'string' ? ` (was ${role.before})` : ''}.`);
}
