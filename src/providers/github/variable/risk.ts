import type { Change } from '../../../core/plan-types.js';
import type { Risk } from '../../../core/risk.js';
import { splitChildName } from '../shared/names.js';
import { destructive } from '../shared/risk.js';

/** A new value is routine (variables hold no secrets); a deletion leaves workflows reading an empty value. */
export function classifyVariable(change: Change): Risk | undefined {
  if (change.action !== 'delete') return undefined;
  const variable = splitChildName(change.name) ?? { parent: change.name, child: change.name };
  return destructive(`Deletes variable ${variable.child} of ${variable.parent}: workflows reading it get an empty value.`);
}
