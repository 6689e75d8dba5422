/**
 * Risk classification of github changes (see src/core/risk.ts): what widens access or exposes
 * code is `sensitive`, what removes or disables is `destructive`. Pure functions of the planned
 * change; anything not named here is routine. The provider README's "Risk classification"
 * table lists the same rules.
 */
import type { Change } from '../../core/plan-types.js';
import { fieldChange, type Risk } from '../../core/risk.js';
import { resourceKey } from '../../core/resource.js';

const PERMISSION_RANK: Record<string, number> = { pull: 0, triage: 1, push: 2, maintain: 3, admin: 4 };
const rank = (value: unknown) => (typeof value === 'string' ? (PERMISSION_RANK[value] ?? -1) : -1);
const sensitive = (reason: string): Risk => ({ level: 'sensitive', reason });
const destructive = (reason: string): Risk => ({ level: 'destructive', reason });
const after = (change: Change, path: string) => fieldChange(change, path)?.after;
const before = (change: Change, path: string) => fieldChange(change, path)?.before;
const parent = (name: string) => name.slice(0, name.indexOf('/'));
const child = (name: string) => name.slice(name.indexOf('/') + 1);

/** A permission that becomes maintain or admin, from a lower one or from nothing. */
function escalation(change: Change, who: string): Risk | undefined {
  const to = after(change, 'permission');
  if (rank(to) < PERMISSION_RANK.maintain!) return undefined;
  const from = change.action === 'create' ? undefined : before(change, 'permission');
  if (from !== undefined && rank(from) >= rank(to)) return undefined;
  return sensitive(`Grants ${who} ${String(to)} on ${child(change.name)}${from !== undefined ? ` (was ${String(from)})` : ''}.`);
}

export function classifyRepository(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Deletes repository ${change.name} with its code, issues, pull requests and wiki.`);
  if (after(change, 'archived') === true) return destructive(`Archives repository ${change.name}: it becomes read-only.`);
  const visibility = after(change, 'visibility');
  if (visibility === 'public') return sensitive(`Makes repository ${change.name} public${change.action === 'create' ? '' : ` (was ${String(before(change, 'visibility') ?? 'not public')})`}.`);
  return undefined;
}

export function classifyTeamRepository(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Removes team ${parent(change.name)}'s access to ${child(change.name)}.`);
  return escalation(change, `team ${parent(change.name)}`);
}

/** Collaborators are outside the org's teams: write (push) or more is already sensitive. */
export function classifyCollaborator(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Removes collaborator ${child(change.name)} from ${parent(change.name)}.`);
  const to = after(change, 'permission');
  const from = change.action === 'create' ? undefined : before(change, 'permission');
  if (rank(to) >= PERMISSION_RANK.push! && (from === undefined || rank(from) < rank(to))) {
    return sensitive(`Grants outside collaborator ${child(change.name)} ${String(to)} on ${parent(change.name)}${from !== undefined ? ` (was ${String(from)})` : ''}.`);
  }
  return undefined;
}

export function classifyMember(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Removes ${change.name} from the org.`);
  if (after(change, 'role') === 'admin') return sensitive(`Makes ${change.name} an org owner.`);
  return undefined;
}

export function classifyTeam(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Deletes team ${change.name}, and with it every access it grants.`);
  const maintainers = fieldChange(change, 'maintainers');
  if (maintainers && added(maintainers.before, maintainers.after).length > 0) return sensitive(`Adds maintainers to team ${change.name}: ${added(maintainers.before, maintainers.after).join(', ')}.`);
  return undefined;
}

function added(was: unknown, now: unknown): string[] {
  const old = new Set(Array.isArray(was) ? was.map(String) : []);
  return Array.isArray(now) ? now.map(String).filter((n) => !old.has(n)) : [];
}

/** What weakens branch protection: each rule that is turned off or loosened, named. */
export function classifyBranchProtection(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Removes the protection of ${change.name}.`);
  if (change.action === 'create') return undefined;
  const weakened: string[] = [];
  const reviews = fieldChange(change, 'requiredReviews');
  if (reviews && reviews.after === null) weakened.push('required reviews removed');
  const approvals = fieldChange(change, 'requiredReviews.approvals');
  if (approvals && Number(approvals.after ?? 0) < Number(approvals.before ?? 0)) weakened.push(`required approvals ${String(approvals.before)} → ${String(approvals.after ?? 0)}`);
  for (const flag of ['requiredReviews.dismissStaleReviews', 'requiredReviews.requireCodeOwnerReviews', 'requiredReviews.requireLastPushApproval', 'enforceAdmins', 'requireLinearHistory', 'requireConversationResolution', 'requiredStatusChecks.strict']) {
    const f = fieldChange(change, flag);
    if (f && f.before === true && f.after !== true) weakened.push(`${flag} turned off`);
  }
  const checks = fieldChange(change, 'requiredStatusChecks');
  if (checks && checks.after === null) weakened.push('required status checks removed');
  const contexts = fieldChange(change, 'requiredStatusChecks.checks');
  if (contexts && removedItems(contexts.before, contexts.after) > 0) weakened.push(`${removedItems(contexts.before, contexts.after)} required status check(s) removed`);
  for (const flag of ['allowForcePushes', 'allowDeletions']) if (after(change, flag) === true) weakened.push(`${flag} turned on`);
  const restrictions = fieldChange(change, 'restrictions');
  if (restrictions && restrictions.after === null && restrictions.before != null) weakened.push('push restrictions removed');
  return weakened.length > 0 ? sensitive(`Weakens the protection of ${change.name}: ${weakened.join(', ')}.`) : undefined;
}

function removedItems(was: unknown, now: unknown): number {
  const keep = new Set((Array.isArray(now) ? now : []).map((v) => JSON.stringify(v)));
  return (Array.isArray(was) ? was : []).filter((v) => !keep.has(JSON.stringify(v))).length;
}

/** Rulesets (repository and org): disabled, evaluate-only, more bypass actors, fewer rules. */
export function classifyRuleset(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Removes ruleset ${resourceKey(change)}: its rules stop applying.`);
  if (change.action === 'create') return undefined;
  const weakened: string[] = [];
  const enforcement = fieldChange(change, 'enforcement');
  if (enforcement && enforcement.before === 'active' && enforcement.after !== 'active') weakened.push(`enforcement ${String(enforcement.before)} → ${String(enforcement.after)}`);
  const bypass = fieldChange(change, 'bypassActors');
  if (bypass && added((bypass.before as unknown[] | undefined)?.map((v) => JSON.stringify(v)), (bypass.after as unknown[] | undefined)?.map((v) => JSON.stringify(v))).length > 0) weakened.push('bypass actors added');
  const rules = fieldChange(change, 'rules');
  if (rules && removedItems(rules.before, rules.after) > 0) weakened.push(`${removedItems(rules.before, rules.after)} rule(s) removed or loosened`);
  return weakened.length > 0 ? sensitive(`Weakens ruleset ${change.name}: ${weakened.join(', ')}.`) : undefined;
}

export function classifyEnvironment(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Deletes environment ${change.name} with its secrets and protection rules.`);
  if (change.action === 'create') return undefined;
  const weakened = change.fields.filter((f) => /reviewers|waitTimer|deploymentBranches|preventSelfReview/.test(f.path) && (f.after === 'all' || f.after === null || f.after === undefined || f.after === false || (Array.isArray(f.after) && Array.isArray(f.before) && f.after.length < f.before.length)));
  return weakened.length > 0 ? sensitive(`Weakens the protection of environment ${change.name}: ${weakened.map((f) => f.path).join(', ')}.`) : undefined;
}
