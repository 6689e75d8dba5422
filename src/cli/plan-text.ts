import type { Change, Plan } from '../core/plan-types.js';
import { resourceKey } from '../core/resource.js';
import { riskOf } from '../core/risk.js';
import { countChanges, countsPhrase } from '../github-app/render/counts.js';
import { boundedJson, isSensitivePath, looksSecret } from '../github-app/render/values.js';
import type { PolicyOutcome } from '../core/policy.js';
import { diagnosticLine } from './report.js';

const SIGN: Record<Change['action'], string> = { create: '+', update: '~', rename: '>', delete: '-', noop: ' ' };
const MAX_VALUE_CHARS = 200;

/** A value for a terminal: JSON, cut at a bound, masked where the plan check masks it. */
function plainValue(path: string, value: unknown): string {
  if (value === undefined) return '(unset)';
  if (isSensitivePath(path)) return '(sensitive)';
  const json = boundedJson(value, MAX_VALUE_CHARS + 200) || String(value);
  if (looksSecret(json)) return '(sensitive)';
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS)}…` : json;
}

function changeLines(change: Change): string[] {
  const risk = riskOf(change);
  const where = change.source ? `  ${change.source.file}:${change.source.line}` : '';
  const name = change.action === 'rename' && change.fromName ? `${resourceKey({ ...change, name: change.fromName })} → ${change.name}` : resourceKey(change);
  const lines = [`${SIGN[change.action]} ${name}${where}${change.origin === 'drift' ? '  (live drift)' : change.origin === 'extraneous' ? '  (not declared)' : ''}`];
  if (risk.level !== 'routine') lines.push(`    ! ${risk.level}: ${risk.reason}`);
  if (change.blocked) lines.push(`    blocked: ${change.blocked}`);
  for (const field of change.fields) {
    lines.push(`    ${field.path}: ${plainValue(field.path, field.before)} → ${plainValue(field.path, field.after)}${field.drift ? '  (live drift)' : ''}`);
  }
  if (change.owners.length > 0) lines.push(`    owners: ${change.owners.join(', ')}`);
  return lines;
}

/**
 * The plan for a terminal: diagnostics and read failures first (they stop or narrow the plan),
 * then one block per change, riskiest first, then the counts. Plain text, no Markdown.
 */
export function renderPlanText(plan: Plan, policy?: Pick<PolicyOutcome, 'capExceeded'>): string {
  const lines: string[] = plan.diagnostics.map(diagnosticLine);
  for (const failure of plan.readFailures) lines.push(`${resourceKey(failure)}: could not be read (${failure.code}): ${failure.message}`);
  const changed = plan.changes.filter((c) => c.action !== 'noop');
  const rank = { destructive: 0, sensitive: 1, routine: 2 } as const;
  const ordered = changed
    .map((change, index) => ({ change, index, rank: rank[riskOf(change).level] }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  if (lines.length > 0 && ordered.length > 0) lines.push('');
  for (const { change } of ordered) lines.push(...changeLines(change));
  const phrase = countsPhrase(countChanges(plan.changes), policy?.capExceeded ?? false);
  if (lines.length > 0) lines.push('');
  lines.push(phrase ? `Plan: ${phrase}.` : plan.diagnostics.some((d) => d.severity === 'error') ? 'No plan: the config repo has errors.' : 'No changes: the targets match the config repo.');
  return lines.join('\n');
}
