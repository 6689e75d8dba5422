import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { destructive, sensitive } from '../shared/risk.js';

/**
 * A new value is routine. Widening to `all` repositories puts the value in public
 * repositories' workflows (and their public logs); a deletion leaves every workflow reading
 * it with an empty value.
 */
export function classifyOrgVariable(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Deletes org variable ${change.name}: workflows of every repository reading it get an empty value.`);
  const visibility = fieldChange(change, 'visibility');
  if (change.action === 'create' || visibility?.after !== 'all' || typeof visibility.before !== 'string') return undefined;
  return sensitive(`Makes org variable ${change.name} visible to every repository, public ones included (was ${visibility.before}).`);
}
