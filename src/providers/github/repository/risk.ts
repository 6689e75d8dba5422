import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { destructive, sensitive } from '../shared/risk.js';

/**
 * Deleting loses what only GitHub holds (issues, pull requests, wiki); archiving makes the
 * repository read-only for everyone; going public exposes its code and history for good.
 */
export function classifyRepository(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Deletes repository ${change.name} with its code, issues, pull requests and wiki.`);
  if (fieldChange(change, 'archived')?.after === true) return destructive(`Archives repository ${change.name}: it becomes read-only.`);
  return goesPublic(change);
}

function goesPublic(change: Change): Risk | undefined {
  const visibility = fieldChange(change, 'visibility');
  if (change.action === 'create') {
    const chosen = visibility ? visibility.after : change.desired?.visibility;
    return chosen === 'public' ? sensitive(`Creates repository ${change.name} public.`) : undefined;
  }
  if (visibility?.after !== 'public') return undefined;
  return sensitive(`Makes repository ${change.name} public${typeof visibility.before === 'string' ? ` (was ${visibility.before})` : ''}.`);
}
