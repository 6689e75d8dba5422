import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { splitChildName } from '../shared/names.js';
import { addedItems, destructive, listed, removedItems, sectionRemoved, turnedOff, turnedOn, weakens } from '../shared/risk.js';

/** Rules whose `true` protects: each turned off is a way the protection weakens. */
const GUARDS: ReadonlyArray<[path: string, off: string]> = [
  ['requiredReviews.dismissStaleReviews', 'stale reviews are no longer dismissed'],
  ['requiredReviews.requireCodeOwnerReviews', 'code owner reviews are no longer required'],
  ['requiredReviews.requireLastPushApproval', 'the last push no longer needs approval'],
  ['requiredStatusChecks.strict', 'branches no longer need to be up to date before merging'],
  ['enforceAdmins', 'admins are no longer bound by it'],
  ['requireLinearHistory', 'linear history is no longer required'],
  ['requireConversationResolution', 'conversations no longer need resolving'],
];

/** Rules whose `true` loosens. */
const ALLOWANCES: ReadonlyArray<[path: string, on: string]> = [
  ['allowForcePushes', 'force pushes are allowed'],
  ['allowDeletions', 'the branch may be deleted'],
];

/**
 * Creating protection only adds rules, so it is routine; an update or rename is sensitive for
 * each rule it loosens, named in one sentence so a reviewer sees every one.
 */
export function classifyBranchProtection(change: Change): Risk | undefined {
  const rule = splitChildName(change.name) ?? { parent: change.name, child: change.name };
  const subject = `the protection of ${rule.child} in ${rule.parent}`;
  if (change.action === 'delete') return destructive(`Deletes ${subject}: its reviews, status checks and push rules stop applying.`);
  if (change.action !== 'update' && change.action !== 'rename') return undefined;
  return weakens(subject, [...moved(change, rule.child), ...reviews(change), ...checks(change), ...pushes(change), ...GUARDS.filter(([path]) => turnedOff(change, path)).map(([, off]) => off), ...ALLOWANCES.filter(([path]) => turnedOn(change, path)).map(([, on]) => on)]);
}

/** A new pattern: branches only the old one matched are left unprotected. */
function moved(change: Change, pattern: string): string[] {
  const from = change.action === 'rename' && change.fromName !== undefined ? splitChildName(change.fromName)?.child : undefined;
  return from === undefined || from === pattern ? [] : [`it moves from ${from} to ${pattern}, so branches only ${from} matches lose it`];
}

function reviews(change: Change): string[] {
  if (sectionRemoved(change, 'requiredReviews')) return ['required reviews are removed'];
  const approvals = fieldChange(change, 'requiredReviews.approvals');
  if (approvals && typeof approvals.before === 'number' && typeof approvals.after === 'number' && approvals.after < approvals.before) {
    return [`required approvals go from ${approvals.before} to ${approvals.after}`];
  }
  return [];
}

function checks(change: Change): string[] {
  if (sectionRemoved(change, 'requiredStatusChecks')) return ['required status checks are removed'];
  const list = fieldChange(change, 'requiredStatusChecks.checks');
  const gone = list ? removedItems(list.before, list.after).map((c) => (c as { context?: unknown } | null)?.context ?? '?') : [];
  return gone.length === 0 ? [] : [`required ${gone.length === 1 ? 'check' : 'checks'} ${listed(gone)} no longer ${gone.length === 1 ? 'blocks' : 'block'} merging`];
}

/** Push restrictions removed (everyone with write may push), or more actors allowed to push. */
function pushes(change: Change): string[] {
  if (sectionRemoved(change, 'restrictions')) return ['push restrictions are removed: everyone with write access may push'];
  return (['users', 'teams', 'apps'] as const).flatMap((who) => {
    const field = fieldChange(change, `restrictions.${who}`);
    const added = field ? addedItems(field.before, field.after) : [];
    return added.length === 0 ? [] : [`${who} ${listed(added)} may now push`];
  });
}
