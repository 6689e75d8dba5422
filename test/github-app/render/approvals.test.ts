import { describe, expect, it } from 'vitest';
import { evaluateApprovals, mergeRequirements, ownerRequirements } from '../../../src/core/approvals.js';
import { GITHUB_OUTPUT_LIMIT, renderPlan } from '../../../src/github-app/render/index.js';
import { readApprovals, regate } from '../../../src/github-app/render/approvals.js';
import type { Change } from '../../../src/core/plan-types.js';
import { change, plan } from './fixtures.js';

const HEAD = 'c'.repeat(40);
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const noTeams = () => false;

function rendered(changes: Change[], approvedBy: string[] = []) {
  const requirements = mergeRequirements(ownerRequirements(changes));
  const input = { plan: plan(changes), approvals: { requirements, evaluation: evaluateApprovals(requirements, approvedBy, noTeams), headSha: HEAD } };
  return { output: renderPlan(input), requirements };
}

describe('the approvals block of the plan check', () => {
  it('round-trips what the approval check needs, and re-gates to the plan’s own conclusion once approved', () => {
    const { output, requirements } = rendered([change('github.repository', 'api', 'update', [{ path: 'description', before: 'a', after: 'b' }], { owners: ['@bob'] })]);
    expect(output.conclusion).toBe('action_required');
    const stored = readApprovals(output.summary)!;
    expect(stored).toMatchObject({ conclusion: 'success', title: '1 to update', headSha: HEAD, requirements });
    const next = regate(output.summary, stored, evaluateApprovals(stored.requirements, ['bob'], noTeams));
    expect(next).toMatchObject({ conclusion: 'success', title: '1 to update' });
    expect(next.summary).toContain('| <code>@bob</code> | ✅ <code>bob</code> | — |');
    expect(readApprovals(next.summary)).toEqual(stored);
  });

  it('needs one of a resource’s owners: once one approved, the others are no longer waited for', () => {
    const { output } = rendered([change('github.repository', 'api', 'update', [], { owners: ['@bob', '@carol'] })], ['bob']);
    expect(output.conclusion).toBe('success');
    expect(output.summary).toContain('| <code>@bob</code> | ✅ <code>bob</code> | — |');
    expect(output.summary).toContain('| <code>@carol</code> | not needed | — |');
  });

  it('keeps a sensitive plan neutral once approved, never plain success', () => {
    const changes = [change('github.repository', 'api', 'update', [{ path: 'visibility', before: 'private', after: 'public' }], { owners: ['@bob'], risk: { level: 'sensitive', reason: 'becomes public' } })];
    expect(rendered(changes, ['bob']).output.conclusion).toBe('neutral');
    expect(rendered(changes).output.conclusion).toBe('action_required');
  });

  it('stays within GitHub’s limit for 3,000 changes of 3,000 different owners, before and after new reviews', () => {
    const changes = Array.from({ length: 3000 }, (_, i) => change('github.repository', `repo-${i}`, 'update', [{ path: 'description', before: 'a', after: `b ${i}` }], { owners: [`@owner-${i}`] }));
    const { output } = rendered(changes);
    expect(bytes(output.summary)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT);
    // Too many different owner sets to keep: it fails closed rather than pass unchecked.
    expect(output.conclusion).toBe('failure');
    expect(output.summary).toContain('Too many different approval requirements (3,000)');
  });

  it('tracks a fan-out to 100 different owners', () => {
    const changes = Array.from({ length: 100 }, (_, i) => change('github.repository', `repo-${i}`, 'update', [{ path: 'description', before: 'a', after: `b ${i}` }], { owners: [`@acme/team-${i}`] }));
    const { output } = rendered(changes);
    expect(output.conclusion).toBe('action_required');
    expect(readApprovals(output.summary)?.requirements).toHaveLength(100);
  });

  it('shortens resource lists, not requirements, for a large fan-out of few owners', () => {
    const changes = Array.from({ length: 3000 }, (_, i) => change('github.repository', `repo-with-a-long-name-${i}`, 'update', [{ path: 'description', before: 'a', after: `b ${i}` }], { owners: [`@acme/team-${i % 5}`] }));
    const { output } = rendered(changes);
    expect(bytes(output.summary)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT);
    expect(output.conclusion).toBe('action_required');
    const stored = readApprovals(output.summary)!;
    expect(stored.shortened).toBe(true);
    expect(stored.requirements.map((r) => r.approvers)).toEqual([0, 1, 2, 3, 4].map((i) => [`@acme/team-${i}`]));
    expect(output.summary).toContain('and 590 more');
    const next = regate(output.summary, stored, evaluateApprovals(stored.requirements, [], noTeams));
    expect(bytes(next.summary)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT);
    expect(next.conclusion).toBe('action_required');
  });

  it('leaves a summary without approvals unread', () => {
    expect(readApprovals(renderPlan({ plan: plan([change('github.repository', 'api', 'update', [], { owners: ['@bob'] })]) }).summary)).toBeUndefined();
    expect(readApprovals(null)).toBeUndefined();
  });
});
