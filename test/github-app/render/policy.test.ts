import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/plan-types.js';
import { evaluateRules, type PolicyRule, type RuleViolation } from '../../../src/core/rules.js';
import { renderPlan } from '../../../src/github-app/render/index.js';
import { change, manyChanges, plan } from './fixtures.js';

const fileUrl = (file: string, line: number) => `https://github.com/acme/config/blob/abc/${file}#L${line}`;
const at = (line: number) => ({ file: 'repos/api.yml', line, column: 3 });

const publish = (): Change => change('github.repository', 'api', 'update', [{ path: 'visibility', before: 'private', after: 'public' }], { risk: { level: 'sensitive', reason: 'Makes api public.' } });
const rules: PolicyRule[] = [
  { name: 'no-public', description: 'Repositories stay private.', match: { fields: ['visibility'], after: 'public' }, effect: 'deny' },
  { name: 'security-sees-it', description: 'Security reviews visibility changes.', match: { fields: ['visibility'] }, effect: 'require-approval', approvers: ['@acme/security', '@alice'], count: 2 },
  { name: 'heads-up', description: 'Visibility is changing.', match: { fields: ['visibility'] }, effect: 'warn' },
];
const located = (violations: RuleViolation[]) => violations.map((v) => ({ ...v, location: at(5) }));

describe('the Policy section of the plan', () => {
  it('puts denials first, near the top, fails the check and says so in the title', () => {
    const changes = [...manyChanges(300), publish()];
    const output = renderPlan({ plan: plan(changes), violations: located(evaluateRules(changes, rules)), context: { fileUrl } });
    expect(output.conclusion).toBe('failure');
    expect(output.title).toMatch(/^Denied by policy \(no-public\): /);
    expect(output.summary).toMatch(/^⛔ \*\*Denied by policy: <code>no-public<\/code>\.\*\*/);
    const policy = output.summary.indexOf('## Policy');
    expect(policy).toBeGreaterThan(0);
    expect(policy).toBeLessThan(output.summary.indexOf('## Needs care'));
    const lines = output.summary.slice(policy).split('\n').filter((l) => l.startsWith('- '));
    expect(lines[0]).toContain('⛔ **Denied** · <code>no-public</code>: Repositories stay private. <code>github.repository/api</code>');
    expect(lines[0]).toContain('[repos/api.yml:5](https://github.com/acme/config/blob/abc/repos/api.yml#L5)');
    expect(lines[1]).toContain('🔐 **Needs approval from 2 of @acme/security, @alice** · <code>security-sees-it</code>');
    expect(lines[2]).toContain('⚠️ **Warning** · <code>heads-up</code>');
    expect(output.annotations.filter((a) => a.title?.includes('no-public') || a.title?.includes('heads-up') || a.title?.includes('security-sees-it')).map((a) => [a.annotation_level, a.start_line])).toEqual([
      ['failure', 5],
      ['notice', 5],
      ['warning', 5],
    ]);
  });

  it('leaves the conclusion to the risk classification when no rule denies', () => {
    const changes = [publish()];
    const violations = located(evaluateRules(changes, rules.slice(1)));
    const output = renderPlan({ plan: plan(changes), violations });
    expect(output.conclusion).toBe('neutral');
    expect(output.title).not.toContain('Denied');
    expect(output.summary).toContain('do not stop the plan');
  });

  it('shows a violation without a line (a deletion) in the summary only', () => {
    const gone = change('github.repository', 'prod-db', 'delete', [], { origin: 'removed' });
    const violations = evaluateRules([gone], [{ name: 'keep-prod', description: 'Never deleted.', match: { names: 'prod-*', actions: 'delete' }, effect: 'deny' }]);
    const output = renderPlan({ plan: plan([gone]), violations });
    expect(output.conclusion).toBe('failure');
    expect(output.summary).toContain('<code>github.repository/prod-db</code>');
    expect(output.annotations.filter((a) => a.title?.startsWith('Denied'))).toEqual([]);
  });

  it('masks a secret value in the section and the annotation', () => {
    const variable = change('github.variable', 'api/TOKEN', 'update', [{ path: 'value', before: 'old', after: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' }]);
    const violations = located(evaluateRules([variable], [{ name: 'w', description: 'd', match: { fields: ['value'] }, effect: 'warn' }]));
    const output = renderPlan({ plan: plan([variable]), violations });
    expect(output.summary).not.toContain('ghp_0123');
    expect(JSON.stringify(output.annotations)).not.toContain('ghp_0123');
  });
});
