/**
 * Policy rules on plans (converge.yml `policies`): a small declarative matcher, pure and
 * without I/O. A rule says which changes it is about (`match`) and what happens to a plan
 * holding one (`effect`).
 *
 * Semantics, which the README documents for users:
 * - A rule is about changes that would run: no-ops and changes blocked by policy (prune off,
 *   a protected pattern, a limit) never violate a rule, whatever their origin; live drift a
 *   merge would revert is a change like any other.
 * - Every condition `match` gives must hold; an empty `match` matches every change.
 *   - `kinds`: globs on the kind (`github.*`); `names`: globs on the resource name (a child's
 *     name holds its parent: `api/bug`), the old name of a rename counting too.
 *   - `actions`: `create`, `update`, `rename`, `delete`.
 *   - `risk`: the levels of the plan's risk classification (`routine`, `sensitive`,
 *     `destructive`) the change must have.
 *   - `fields`: dotted spec paths; the change must change one of them, or a field below it
 *     (`features` covers `features.issues`). A deletion changes no field.
 *   - `before` / `after`: the value a matched field has before and after the change. One
 *     value, or a list meaning "any of these" (so a list value itself is written as a list
 *     in a list: `after: [[a, b]]`). Compared as JSON values; an absent value is `null`. They
 *     only make sense with `fields`, which the loader enforces.
 *   - `kinds`, `names`, `actions` and `risk` take one value or a list.
 * - Each matching change is one violation, naming the first matched field when `fields` is set.
 * - `deny` fails the plan and stops the convergence; `warn` is shown and changes nothing;
 *   `require-approval` asks `count` different people among `approvers` to approve (see
 *   `ruleApprovals`), one requirement per rule covering every change it matched.
 */
import picomatch from 'picomatch';
import type { ApprovalRequirement } from './approvals.js';
import type { SourceLocation } from './diagnostics.js';
import { jsonEqual } from './diff.js';
import type { Action, Change, FieldChange } from './plan-types.js';
import { resourceKey } from './resource.js';
import { riskOf, type RiskLevel } from './risk.js';

export type RuleEffect = 'deny' | 'warn' | 'require-approval';

/** The actions a rule can name: every action but `noop`, which never violates anything. */
export type RuleAction = Exclude<Action, 'noop'>;

type OneOrMany<T> = T | readonly T[];

export interface RuleMatch {
  kinds?: OneOrMany<string>;
  names?: OneOrMany<string>;
  actions?: OneOrMany<RuleAction>;
  risk?: OneOrMany<RiskLevel>;
  fields?: readonly string[];
  before?: unknown;
  after?: unknown;
}

export interface PolicyRule {
  /** Unique among the rules; shown with every violation, and the reason of its approval requirement. */
  name: string;
  /** The sentence shown when the rule is violated. */
  description: string;
  match: RuleMatch;
  effect: RuleEffect;
  /** `require-approval` only: `@org/team` (any member) or `@user`. */
  approvers?: readonly string[];
  /** `require-approval` only: how many different people among the approvers must approve; 1 when unset. */
  count?: number;
}

export interface RuleViolation {
  rule: PolicyRule;
  change: Change;
  /** `resourceKey(change)`. */
  key: string;
  /** The changed field the rule matched, when it names fields. */
  field?: FieldChange;
  effect: RuleEffect;
  /** `<rule name>: <description>`, plain text. */
  message: string;
  /**
   * The YAML line that causes it, set by the host (the core knows no file): the matched
   * field's line, else the resource's declaring line. Unset for a deletion of a removed file.
   */
  location?: SourceLocation;
}

const EFFECT_ORDER: Record<RuleEffect, number> = { deny: 0, 'require-approval': 1, warn: 2 };

function list<T>(value: OneOrMany<T> | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** A value condition: one value, or a list of values any of which matches; absent reads as null. */
function valueMatches(condition: unknown, value: unknown): boolean {
  const actual = value === undefined ? null : value;
  if (!Array.isArray(condition)) return jsonEqual(condition, actual);
  for (const c of condition) if (jsonEqual(c, actual)) return true;
  return false;
}

function valueAt(node: unknown, path: readonly string[]): unknown {
  let at = node;
  for (const part of path) at = at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>)[part] : undefined;
  return at;
}

function fits(match: RuleMatch, f: FieldChange): boolean {
  return (match.before === undefined || valueMatches(match.before, f.before)) && (match.after === undefined || valueMatches(match.after, f.after));
}

/**
 * The named field as this change changes it: the field change itself, one below it (the
 * first whose values satisfy before/after), or the named part of a whole object replaced.
 */
function matchedField(change: Change, path: string, match: RuleMatch): FieldChange | undefined {
  const below = `${path}.`;
  for (const field of change.fields) {
    if (field.path === path || field.path.startsWith(below)) {
      if (fits(match, field)) return field;
    } else if (path.startsWith(`${field.path}.`)) {
      const rest = path.slice(field.path.length + 1).split('.');
      const part: FieldChange = { ...field, path, before: valueAt(field.before, rest), after: valueAt(field.after, rest) };
      if (!jsonEqual(part.before, part.after) && fits(match, part)) return part;
    }
  }
  return undefined;
}

/** A compiled rule: whether a change matches, and on which field. */
function compile(rule: PolicyRule): (change: Change) => { field?: FieldChange } | undefined {
  const { match } = rule;
  // Plain regular expressions: picomatch's matcher functions cost several times more per call.
  const glob = (patterns: readonly string[] | undefined) => {
    if (!patterns) return undefined;
    const res = patterns.map((p) => picomatch.makeRe(p, { dot: true }));
    return (value: string) => res.some((re) => re.test(value));
  };
  const kinds = glob(list(match.kinds));
  const names = glob(list(match.names));
  const actions = list(match.actions);
  const risk = list(match.risk);
  return (change) => {
    if (change.action === 'noop' || change.blocked) return undefined;
    if (kinds && !kinds(change.kind)) return undefined;
    if (names && !names(change.name) && !(change.fromName !== undefined && names(change.fromName))) return undefined;
    if (actions && !actions.includes(change.action)) return undefined;
    if (risk && !risk.includes(riskOf(change).level)) return undefined;
    if (!match.fields) return {};
    for (const path of match.fields) {
      const field = matchedField(change, path, match);
      if (field) return { field };
    }
    return undefined;
  };
}

/** Every violation of `rules` by `changes`: deny first, then require-approval, then warn; in rule order within each. */
export function evaluateRules(changes: readonly Change[], rules: readonly PolicyRule[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const rule of rules) {
    const matches = compile(rule);
    for (const change of changes) {
      const hit = matches(change);
      if (!hit) continue;
      out.push({
        rule,
        change,
        key: resourceKey(change),
        ...(hit.field ? { field: hit.field } : {}),
        effect: rule.effect,
        message: `${rule.name}: ${rule.description}`,
      });
    }
  }
  // A stable sort keeps rule order, then plan order, within each effect.
  return out.sort((a, b) => EFFECT_ORDER[a.effect] - EFFECT_ORDER[b.effect]);
}

/** The violations that stop a plan: those of `deny` rules. */
export function denials(violations: readonly RuleViolation[]): RuleViolation[] {
  return violations.filter((v) => v.effect === 'deny');
}

/** One approval requirement per `require-approval` rule that matched, covering every resource it matched. */
export function ruleApprovals(violations: readonly RuleViolation[]): ApprovalRequirement[] {
  const byRule = new Map<PolicyRule, Set<string>>();
  for (const v of violations) {
    if (v.effect !== 'require-approval') continue;
    let keys = byRule.get(v.rule);
    if (!keys) byRule.set(v.rule, (keys = new Set()));
    keys.add(v.key);
  }
  return [...byRule].map(([rule, keys]) => ({ reason: rule.name, source: 'rule' as const, approvers: [...(rule.approvers ?? [])], count: rule.count ?? 1, resources: [...keys] }));
}

/**
 * The changes with those a `deny` rule matches blocked, naming the rule: a full run reports
 * them and reverts the rest (runApply skips a blocked change).
 */
export function blockDenied(changes: readonly Change[], violations: readonly RuleViolation[]): Change[] {
  const denied = new Map<Change, string>();
  for (const v of denials(violations)) if (!denied.has(v.change)) denied.set(v.change, `denied by the policy rule ${v.message}`);
  return changes.map((c) => {
    const reason = denied.get(c);
    return reason ? { ...c, blocked: reason } : c;
  });
}
