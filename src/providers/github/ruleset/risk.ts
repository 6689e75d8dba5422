import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { splitChildName } from '../shared/names.js';
import { addedItems, destructive, listed, removedItems, weakens } from '../shared/risk.js';
import type { BypassActor, Rule } from './schema.js';

/**
 * Rulesets of repositories and of the org weaken the same ways: enforcement off or only
 * reported, more actors allowed past them, rules removed or loosened, fewer refs or
 * repositories covered. Creating one only adds rules, so it is routine. `subject` names the
 * ruleset in sentences.
 */
export function rulesetClassifier(subject: (name: string) => string): (change: Change) => Risk | undefined {
  return (change) => {
    const ruleset = subject(change.name);
    if (change.action === 'delete') return destructive(`Deletes ${ruleset}: its rules stop applying.`);
    if (change.action !== 'update' && change.action !== 'rename') return undefined;
    return weakens(ruleset, [...enforcement(change), ...target(change), ...bypass(change), ...rules(change), ...conditions(change)]);
  };
}

export const classifyRuleset = rulesetClassifier((name) => {
  const parts = splitChildName(name);
  return parts ? `ruleset ${parts.child} of ${parts.parent}` : `ruleset ${name}`;
});

/** Most to least enforced, with what each lower level means. */
const ENFORCEMENT: readonly string[] = ['active', 'evaluate', 'disabled'];
const MEANING: Record<string, string> = { evaluate: 'rules are only reported, not enforced', disabled: 'rules do not apply' };

function enforcement(change: Change): string[] {
  const field = fieldChange(change, 'enforcement');
  if (!field || typeof field.before !== 'string' || typeof field.after !== 'string') return [];
  const [from, to] = [ENFORCEMENT.indexOf(field.before), ENFORCEMENT.indexOf(field.after)];
  return from >= 0 && to > from ? [`enforcement goes from ${field.before} to ${field.after} (${MEANING[field.after]})`] : [];
}

function target(change: Change): string[] {
  const field = fieldChange(change, 'target');
  return field && typeof field.before === 'string' ? [`it moves from ${field.before} to ${String(field.after)} refs, leaving ${field.before} refs unprotected`] : [];
}

function actorName(actor: Partial<BypassActor>): string {
  if (actor.type === 'org-admin') return 'org admins';
  if (actor.type === 'deploy-key') return 'deploy keys';
  if (actor.type === 'app') return `app #${String(actor.id)}`;
  return `${String(actor.type)} ${String('name' in actor ? actor.name : '?')}`;
}

/** Actors added, or allowed to bypass always where they needed a pull request. */
function bypass(change: Change): string[] {
  const field = fieldChange(change, 'bypassActors');
  if (!field) return [];
  const who = (actor: unknown) => actorName((typeof actor === 'object' && actor !== null ? actor : {}) as Partial<BypassActor>);
  const before = new Map((Array.isArray(field.before) ? field.before : []).map((a) => [who(a), (a as BypassActor | null)?.mode]));
  const widened = (Array.isArray(field.after) ? field.after : []).filter((a) => {
    const had = before.get(who(a));
    return !before.has(who(a)) || (had === 'pull_request' && (a as BypassActor | null)?.mode !== 'pull_request');
  });
  return widened.length === 0 ? [] : [`${listed(widened.map(who))} may bypass it`];
}

/** Parameters whose `true` protects, per rule type. */
const RULE_GUARDS: Record<string, readonly string[]> = {
  pull_request: ['dismiss_stale_reviews_on_push', 'require_code_owner_review', 'require_last_push_approval', 'required_review_thread_resolution'],
  required_status_checks: ['strict_required_status_checks_policy'],
};

function rules(change: Change): string[] {
  const field = fieldChange(change, 'rules');
  if (!field) return [];
  const byType = (list: unknown) => new Map((Array.isArray(list) ? list : []).map((r) => [String((r as Rule | null)?.type), ((r as Rule | null)?.parameters ?? {}) as Record<string, unknown>]));
  const [before, after] = [byType(field.before), byType(field.after)];
  const removed = [...before.keys()].filter((type) => !after.has(type));
  const ways = removed.length === 0 ? [] : [`${removed.length === 1 ? 'rule' : 'rules'} ${listed(removed)} ${removed.length === 1 ? 'is' : 'are'} removed`];
  for (const [type, now] of after) {
    const was = before.get(type);
    if (was) ways.push(...loosened(type, was, now));
  }
  return ways;
}

function loosened(type: string, was: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const ways = (RULE_GUARDS[type] ?? []).filter((p) => was[p] === true && now[p] === false).map((p) => `${type} ${p} is turned off`);
  const [from, to] = [was.required_approving_review_count, now.required_approving_review_count];
  if (type === 'pull_request' && typeof from === 'number' && typeof to === 'number' && to < from) ways.push(`required approvals go from ${from} to ${to}`);
  if (type === 'required_status_checks') {
    const gone = removedItems(was.required_status_checks, now.required_status_checks).map((c) => (c as { context?: unknown } | null)?.context ?? '?');
    if (gone.length > 0) ways.push(`required ${gone.length === 1 ? 'check' : 'checks'} ${listed(gone)} no longer ${gone.length === 1 ? 'blocks' : 'block'} merging`);
  }
  return ways;
}

/** Fewer refs or repositories covered: includes dropped, excludes added. */
function conditions(change: Change): string[] {
  return (['refName', 'repositoryName'] as const).flatMap((scope) => {
    const what = scope === 'refName' ? 'refs' : 'repositories';
    const include = fieldChange(change, `conditions.${scope}.include`);
    const exclude = fieldChange(change, `conditions.${scope}.exclude`);
    const dropped = include ? removedItems(include.before, include.after) : [];
    const excluded = exclude ? addedItems(exclude.before, exclude.after) : [];
    return [
      ...(dropped.length > 0 ? [`it no longer includes ${what} ${listed(dropped)}`] : []),
      ...(excluded.length > 0 ? [`it now excludes ${what} ${listed(excluded)}`] : []),
    ];
  });
}
