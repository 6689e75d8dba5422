import type { Change } from '../../../core/plan-types.js';
import type { Risk } from '../../../core/risk.js';
import { splitChildName } from '../shared/names.js';
import { destructive } from '../shared/risk.js';

/** Only a deletion matters: GitHub takes the label off every issue and pull request. */
export function classifyLabel(change: Change): Risk | undefined {
  if (change.action !== 'delete') return undefined;
  const label = splitChildName(change.name) ?? { parent: change.name, child: change.name };
  return destructive(`Deletes label ${label.child} of ${label.parent}: it is taken off every issue and pull request.`);
}
