import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { splitChildName } from '../shared/names.js';
import { addedItems, destructive, listed, removedItems, turnedOff, weakens } from '../shared/risk.js';

/**
 * An environment's rules stand between a workflow and its deployment secrets: fewer
 * reviewers, a shorter wait, self-review allowed or more branches allowed to deploy all make
 * that easier, so each is sensitive. Creating an environment only adds rules.
 */
export function classifyEnvironment(change: Change): Risk | undefined {
  const env = splitChildName(change.name) ?? { parent: change.name, child: change.name };
  const subject = `environment ${env.child} of ${env.parent}`;
  if (change.action === 'delete') return destructive(`Deletes ${subject} with its secrets, variables and protection rules.`);
  if (change.action !== 'update' && change.action !== 'rename') return undefined;
  return weakens(`the protection of ${subject}`, [...reviewers(change), ...wait(change), ...(turnedOff(change, 'preventSelfReview') ? ['people may approve their own deployments'] : []), ...branches(change)]);
}

function reviewers(change: Change): string[] {
  return (['users', 'teams'] as const).flatMap((who) => {
    const field = fieldChange(change, `reviewers.${who}`);
    const gone = field ? removedItems(field.before, field.after) : [];
    return gone.length === 0 ? [] : [`required reviewers (${who}) ${listed(gone)} are removed`];
  });
}

function wait(change: Change): string[] {
  const field = fieldChange(change, 'waitTimer');
  return field && typeof field.before === 'number' && typeof field.after === 'number' && field.after < field.before
    ? [`the wait before deploying goes from ${field.before} to ${field.after} minutes`]
    : [];
}

/** `all` is the widest; a pattern added lets more branches deploy. */
function branches(change: Change): string[] {
  const whole = fieldChange(change, 'deploymentBranches');
  if (whole && whole.after === 'all' && whole.before !== 'all') return ['every branch may deploy'];
  const patterns = fieldChange(change, 'deploymentBranches.patterns');
  const added = patterns ? addedItems(patterns.before, patterns.after) : [];
  return added.length === 0 ? [] : [`branches matching ${listed(added)} may deploy`];
}
