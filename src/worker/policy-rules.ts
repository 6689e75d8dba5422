import { locateViolations } from '../config/field-lines.js';
import type { ConfigFiles } from '../config/files.js';
import type { RepoConfig } from '../config/schema.js';
import type { ApprovalRequirement } from '../core/approvals.js';
import type { Plan } from '../core/plan-types.js';
import { REDACTED, type RedactedFields } from '../github-app/render/redact.js';
import { evaluateRules, ruleApprovals, type RuleViolation } from '../core/rules.js';

export interface PolicyRulesOutcome {
  /** Every violation, denials first, with the YAML line that causes it where there is one. */
  violations: RuleViolation[];
  /** What `require-approval` rules ask for (`source: 'rule'`), for the approval check. */
  approvals: ApprovalRequirement[];
}

/**
 * The rules a PR is held to: its own converge.yml's, and every rule of the default branch's it
 * drops or changes. A PR can add or tighten rules, but never lift one for itself: removing a
 * rule takes effect for the PRs after it.
 */
export function rulesInForce(head: RepoConfig, base: RepoConfig | undefined): RepoConfig['policies'] {
  const own = new Set(head.policies.map((rule) => JSON.stringify(rule)));
  return [...head.policies, ...(base?.policies ?? []).filter((rule) => !own.has(JSON.stringify(rule)))];
}

/** Policy rules evaluated on a plan; `files` is the snapshot the plan was built from (for lines). */
export function checkPolicyRules(plan: Plan, rules: RepoConfig['policies'], files: ConfigFiles): PolicyRulesOutcome {
  if (rules.length === 0) return { violations: [], approvals: [] };
  const violations = locateViolations(evaluateRules(plan.changes, rules), files);
  return { violations, approvals: ruleApprovals(violations) };
}

/** Violations as a fork PR's author may see them: the live value of a redacted field hidden, as in the plan. */
export function redactViolations(violations: readonly RuleViolation[], fields: RedactedFields): RuleViolation[] {
  return violations.map((v) => {
    const paths = fields[v.change.kind] ?? [];
    const f = v.field;
    if (!f || f.before === undefined || !paths.some((p) => f.path === p || f.path.startsWith(`${p}.`))) return v;
    return { ...v, field: { ...f, before: REDACTED } };
  });
}
