/**
 * The "Policy" section of a plan and its annotations: what the converge.yml policy rules say
 * about this plan, denials first, each with the rule's name and sentence and the line that
 * causes it. Bounded on its own, so it always fits the summary beside everything else.
 */
import type { RuleViolation } from '../../core/rules.js';
import { locatedAnnotation } from './annotations.js';
import { byteLength, fitLines } from './budget.js';
import { code, formatCount, link, text } from './markdown.js';
import type { Annotation, RenderContext } from './types.js';
import { formatValue, isSensitivePath, looksSecret } from './values.js';

export const POLICY_MAX_BYTES = 8_000;
const MAX_ANNOTATIONS = 50;

const LEVEL: Record<RuleViolation['effect'], Annotation['annotation_level']> = { deny: 'failure', 'require-approval': 'notice', warn: 'warning' };


/** The rules a plan's `deny` violations name, each once, in order. */
export function deniedRules(violations: readonly RuleViolation[]): string[] {
  return [...new Set(violations.filter((v) => v.effect === 'deny').map((v) => v.rule.name))];
}

/** `@org/security` or `2 of @a, @b`. */
export function approversPhrase(v: Pick<RuleViolation, 'rule'>): string {
  const approvers = v.rule.approvers ?? [];
  const count = v.rule.count ?? 1;
  const names = approvers.join(', ');
  return count > 1 || approvers.length > 1 ? `${count} of ${names}` : names;
}

function what(v: RuleViolation): string {
  const field = v.field ? ` (${code(v.field.path, 120)}: ${formatValue(v.field.path, v.field.before)} → ${formatValue(v.field.path, v.field.after)})` : '';
  return `${code(v.key, 300)}${field}`;
}

function line(v: RuleViolation, fileUrl: RenderContext['fileUrl']): string {
  const rule = `${code(v.rule.name, 100)}: ${text(v.rule.description, 300)}`;
  let url: string | undefined;
  try {
    url = v.location ? fileUrl?.(v.location.file, v.location.line) : undefined;
  } catch {
    url = undefined;
  }
  const at = v.location ? ` at ${link(text(`${v.location.file}:${v.location.line}`, 300), url)}` : '';
  const badge = v.effect === 'deny' ? '⛔ **Denied**' : v.effect === 'warn' ? '⚠️ **Warning**' : `🔐 **Needs approval from ${text(approversPhrase(v), 300)}**`;
  return `- ${badge} · ${rule} ${what(v)}${at}`;
}

/** The summary section; empty without violations. */
export function policyBlock(violations: readonly RuleViolation[], fileUrl: RenderContext['fileUrl'], maxBytes = POLICY_MAX_BYTES): string {
  if (violations.length === 0) return '';
  const denied = deniedRules(violations);
  const intro =
    denied.length > 0
      ? `${denied.length === 1 ? 'A policy rule' : `${formatCount(denied.length)} policy rules`} of converge.yml ${denied.length === 1 ? 'denies' : 'deny'} this plan: nothing of it can be applied until the denied changes are undone or the rule changes.`
      : 'The policy rules of converge.yml flag these changes; they do not stop the plan.';
  const heading = `## Policy\n\n${intro}`;
  const body = fitLines(
    (function* () {
      for (const v of violations) yield line(v, fileUrl);
    })(),
    violations.length,
    maxBytes - byteLength(heading) - 2,
    (left) => `- … and ${formatCount(left)} more`,
  );
  return `${heading}\n\n${body.text}`.trimEnd();
}

/** A value in annotation text (plain, not Markdown), masked like the tables mask it. */
function plainValue(path: string, value: unknown): string {
  const json = JSON.stringify(value ?? null) ?? 'null';
  return isSensitivePath(path) || looksSecret(json) ? '(sensitive)' : json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

/** One annotation per violation with a line: failure for deny, warning for warn, notice for approvals. */
export function policyAnnotations(violations: readonly RuleViolation[], max = MAX_ANNOTATIONS): Annotation[] {
  const out: Annotation[] = [];
  for (const v of violations) {
    if (out.length >= max) break;
    if (!v.location) continue;
    const title = v.effect === 'deny' ? `Denied by policy: ${v.rule.name}` : v.effect === 'warn' ? `Policy warning: ${v.rule.name}` : `Needs approval: ${v.rule.name}`;
    const field = v.field ? ` (${v.field.path}: ${plainValue(v.field.path, v.field.before)} → ${plainValue(v.field.path, v.field.after)})` : '';
    const needs = v.effect === 'require-approval' ? `\n\nNeeds approval from ${approversPhrase(v)}.` : '';
    const a = locatedAnnotation(v.location, LEVEL[v.effect], title, `${v.rule.description}\n\nResource: ${v.key}${field}${needs}`);
    if (a) out.push(a);
  }
  return out;
}
