/**
 * Whether a pull request qualifies for GitHub's auto-merge (`automerge:` in converge.yml), as
 * a decision with reasons a reviewer reads in the plan. Pure: the host gathers the plan, the
 * policy violations and the approval status, and acts on the decision (github-app/automerge).
 */
import type { ApprovalEvaluation } from './approvals.js';
import type { Diagnostic } from './diagnostics.js';
import type { Change, ReadFailure } from './plan-types.js';
import { resourceKey } from './resource.js';
import { riskOf } from './risk.js';
import type { RuleEffect, RuleViolation } from './rules.js';

export type MergeMethod = 'merge' | 'squash' | 'rebase';

/** `automerge:` in converge.yml (the zod schema is config/automerge-schema.ts). */
export interface AutomergeConfig {
  /** Off by default: auto-merge is opt-in. */
  enabled: boolean;
  /** How GitHub merges the PR once its required checks and reviews pass. Default `squash`. */
  method: MergeMethod;
}

/**
 * A policy rule's verdict on the plan. A `deny` always counts as violated; a
 * `require-approval` counts until `satisfied` is true (unset reads as not satisfied, so a
 * host that forgets it never merges); a `warn` never stops auto-merge: it asks for
 * attention, not for a person's decision, and stays visible in the plan.
 */
export interface PolicyVerdict {
  rule: string;
  effect: RuleEffect;
  message: string;
  /** `require-approval` only: whether the rule's approvers approved at the PR's head. */
  satisfied?: boolean;
}

/** Owner approvals (`approvals.required: owners`): how many requirements there are and how many are met. */
export interface ApprovalStatus {
  required: number;
  satisfied: number;
  /** The owners (`@org/team`, `@user`) still waited for. */
  waiting: string[];
}

export interface AutomergeInput {
  changes: readonly Change[];
  diagnostics: readonly Diagnostic[];
  readFailures: readonly ReadFailure[];
  violations: readonly PolicyVerdict[];
  /** Undefined when converge.yml does not require owner approvals. */
  approvals: ApprovalStatus | undefined;
  /**
   * The PR changes converge.yml. It then changes how Converge governs the config repo
   * (approvals, policy rules, auto-merge itself), which is not a change the plan can show as
   * routine: a person merges it. Required so that no host forgets to say.
   */
  repoConfigChanged: boolean;
}

export interface AutomergeDecision {
  qualifies: boolean;
  /** Every failed condition as one sentence; one sentence saying why it qualifies otherwise. */
  reasons: string[];
}

/** How many resources a reason names before "and N more". */
const LISTED = 5;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const sentence = (text: string) => text.trim().replace(/[.\s]+$/, '');

function listed(items: readonly string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}

/** `github.repository/api (Grants admin)`: the resource and why, for a reason sentence. */
function withWhy(change: Change, why: string | undefined): string {
  const key = resourceKey(change);
  return why ? `${key} (${sentence(why)})` : key;
}

/**
 * The decision, checking every condition (so the plan lists all that fail, not the first):
 * the plan is valid (no error diagnostic, no read failure); something changes; every change
 * is routine; nothing is deleted, blocked or not; no change is blocked; no `deny` rule matched
 * and every `require-approval` rule is satisfied; the required owners approved; converge.yml
 * is unchanged. A PR that changes no resource (documentation, for example) does not qualify:
 * auto-merge is for changes the plan shows and classifies, and nothing here vouches for others.
 */
export function automergeDecision(input: AutomergeInput): AutomergeDecision {
  const reasons: string[] = [];
  const errors = input.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    reasons.push(`The plan is not valid: ${plural(errors.length, 'error')} in the configuration (${sentence(errors[0]!.message)}${errors.length > 1 ? ', ...' : ''}).`);
  }
  if (input.readFailures.length > 0) {
    const keys = input.readFailures.map((f) => `${resourceKey(f)} (${f.code})`);
    reasons.push(`Live state could not be read for ${plural(input.readFailures.length, 'resource')}: ${listed(keys)}; the plan is incomplete.`);
  }

  const changes = input.changes.filter((c) => c.action !== 'noop');
  if (changes.length === 0) reasons.push('Nothing changes in the targets: auto-merge only merges changes the plan shows.');
  const deletions = changes.filter((c) => c.action === 'delete');
  if (deletions.length > 0) {
    const items = deletions.map((c) => withWhy(c, c.blocked ? `blocked: ${c.blocked}` : undefined));
    reasons.push(`${plural(deletions.length, 'change deletes', 'changes delete')} a resource: ${listed(items)}; a deletion is always merged by a person.`);
  }
  // A deletion is destructive by definition: it is reported once, above.
  const others = changes.filter((c) => c.action !== 'delete');
  for (const level of ['sensitive', 'destructive'] as const) {
    const risky = others.filter((c) => riskOf(c).level === level);
    if (risky.length > 0) reasons.push(`${plural(risky.length, 'change is', 'changes are')} ${level}: ${listed(risky.map((c) => withWhy(c, riskOf(c).reason)))}.`);
  }
  const blocked = others.filter((c) => c.blocked);
  if (blocked.length > 0) {
    reasons.push(`${plural(blocked.length, 'change', 'changes')} would not be applied: ${listed(blocked.map((c) => withWhy(c, c.blocked)))}.`);
  }

  const denied = uniqueRules(input.violations.filter((v) => v.effect === 'deny'));
  if (denied.length > 0) reasons.push(`${plural(denied.length, 'policy rule denies', 'policy rules deny')} the plan: ${denied.map((v) => sentence(v.message)).join('; ')}.`);
  const waiting = uniqueRules(input.violations.filter((v) => v.effect === 'require-approval' && v.satisfied !== true));
  if (waiting.length > 0) {
    reasons.push(`${plural(waiting.length, 'policy rule waits', 'policy rules wait')} for approval: ${waiting.map((v) => sentence(v.message)).join('; ')}.`);
  }

  const approvals = input.approvals;
  if (approvals && approvals.satisfied < approvals.required) {
    const who = approvals.waiting.length > 0 ? `, waiting for ${listed(approvals.waiting)}` : '';
    reasons.push(`Owners have not approved: ${approvals.required - approvals.satisfied} of ${plural(approvals.required, 'owner approval')} missing${who}.`);
  }
  if (input.repoConfigChanged) reasons.push('The PR changes converge.yml, which governs approvals, policy rules and auto-merge: a person merges it.');

  if (reasons.length > 0) return { qualifies: false, reasons };
  const warnings = uniqueRules(input.violations.filter((v) => v.effect === 'warn'));
  const approved = approvals ? 'the owners approved' : 'no owner approval is required';
  const warned = warnings.length > 0 ? `; ${plural(warnings.length, 'policy warning')} (${warnings.map((w) => w.rule).join(', ')}) ${warnings.length === 1 ? 'does' : 'do'} not stop it` : '';
  return {
    qualifies: true,
    reasons: [`Qualifies for auto-merge: the plan is valid, ${changes.length === 1 ? 'its change is' : `all ${changes.length} changes are`} routine, nothing is deleted, no policy rule stops it and ${approved}${warned}.`],
  };
}

/** One verdict per rule (a rule matching several resources is one reason). */
function uniqueRules(verdicts: readonly PolicyVerdict[]): PolicyVerdict[] {
  const byRule = new Map<string, PolicyVerdict>();
  for (const v of verdicts) {
    const known = byRule.get(v.rule);
    // Of one rule's verdicts, an unsatisfied one wins: the rule is met only when all are.
    if (!known || (known.satisfied === true && v.satisfied !== true)) byRule.set(v.rule, v);
  }
  return [...byRule.values()];
}

/**
 * The verdicts of the policy engine's violations, with `require-approval` ones satisfied when
 * the approval evaluation met the rule's requirement (see rules.ruleApprovals, whose
 * requirements carry the rule's name as their reason).
 */
export function policyVerdicts(violations: readonly RuleViolation[], evaluation: ApprovalEvaluation | undefined): PolicyVerdict[] {
  const satisfiedRules = new Set(
    (evaluation?.requirements ?? []).filter((s) => s.requirement.source === 'rule' && s.satisfied).map((s) => s.requirement.reason),
  );
  const unsatisfiedRules = new Set(
    (evaluation?.requirements ?? []).filter((s) => s.requirement.source === 'rule' && !s.satisfied).map((s) => s.requirement.reason),
  );
  return violations.map((v) => ({
    rule: v.rule.name,
    effect: v.effect,
    message: v.message,
    ...(v.effect === 'require-approval' ? { satisfied: satisfiedRules.has(v.rule.name) && !unsatisfiedRules.has(v.rule.name) } : {}),
  }));
}

/** The owner part of an approval evaluation (rule approvals are verdicts, see policyVerdicts). */
export function ownerApprovalStatus(evaluation: ApprovalEvaluation): ApprovalStatus {
  const owners = evaluation.requirements.filter((s) => s.requirement.source === 'owners');
  const waiting = new Set<string>();
  for (const s of owners) if (!s.satisfied) for (const a of s.requirement.approvers) waiting.add(a);
  return { required: owners.length, satisfied: owners.filter((s) => s.satisfied).length, waiting: [...waiting] };
}

/**
 * What keeps a plan from auto-merging apart from approvals, as reason sentences (empty: the
 * plan itself qualifies). The plan job keeps them with the check run, so a later review
 * decides auto-merge again without planning again (see automergeWithApprovals).
 */
export function planBlockers(input: Omit<AutomergeInput, 'approvals'>): string[] {
  const violations = input.violations.map((v) => (v.effect === 'require-approval' ? { ...v, satisfied: true } : v));
  const decision = automergeDecision({ ...input, violations, approvals: undefined });
  return decision.qualifies ? [] : decision.reasons;
}

/** The decision once the approvals are known: the plan's own blockers, then what still waits for approval. */
export function automergeWithApprovals(blockers: readonly string[], evaluation: ApprovalEvaluation): AutomergeDecision {
  const reasons = [...blockers];
  const owners = ownerApprovalStatus(evaluation);
  if (owners.satisfied < owners.required) {
    const who = owners.waiting.length > 0 ? `, waiting for ${listed(owners.waiting)}` : '';
    reasons.push(`Owners have not approved: ${owners.required - owners.satisfied} of ${plural(owners.required, 'owner approval')} missing${who}.`);
  }
  const rules = [...new Set(evaluation.requirements.filter((s) => s.requirement.source === 'rule' && !s.satisfied).map((s) => s.requirement.reason))];
  if (rules.length > 0) reasons.push(`${plural(rules.length, 'policy rule waits', 'policy rules wait')} for approval: ${rules.join(', ')}.`);
  if (reasons.length > 0) return { qualifies: false, reasons };
  return { qualifies: true, reasons: ['Qualifies for auto-merge: the plan is valid, every change is routine, nothing is deleted, no policy rule stops it, and every approval it needs was given.'] };
}
