import { describe, expect, it } from 'vitest';
import { automergeDecision, ownerApprovalStatus, policyVerdicts, type AutomergeInput } from '../../src/core/automerge.js';
import { evaluateApprovals, type ApprovalRequirement } from '../../src/core/approvals.js';
import type { Change } from '../../src/core/plan-types.js';
import { classifyChange } from '../../src/core/risk.js';
import { evaluateRules, type PolicyRule } from '../../src/core/rules.js';
import { classifyRepository } from '../../src/providers/github/repository/risk.js';

const repositoryKind = { classify: classifyRepository };

/** A change classified as computePlan classifies it, with the repository kind's own classifier. */
const change = (over: Partial<Change> & Pick<Change, 'name'>): Change => {
  const c: Change = { kind: 'github.repository', target: 'default', action: 'update', fields: [], origin: 'model', owners: [], ...over };
  return { ...c, risk: classifyChange(repositoryKind, c) };
};

const description = change({ name: 'api', fields: [{ path: 'description', before: 'old', after: 'new' }] });
const topics = change({ name: 'web', fields: [{ path: 'topics', before: [], after: ['go'] }] });

/** A plan that qualifies; each test breaks one condition. */
const qualifying = (over: Partial<AutomergeInput> = {}): AutomergeInput => ({
  changes: [description, topics],
  diagnostics: [],
  readFailures: [],
  violations: [],
  approvals: { required: 1, satisfied: 1, waiting: [] },
  repoConfigChanged: false,
  ...over,
});

describe('automergeDecision', () => {
  it('qualifies a valid, routine, approved plan that deletes nothing, and says why in one line', () => {
    const decision = automergeDecision(qualifying());
    expect(decision).toEqual({
      qualifies: true,
      reasons: ['Qualifies for auto-merge: the plan is valid, all 2 changes are routine, nothing is deleted, no policy rule stops it and the owners approved.'],
    });
    expect(automergeDecision(qualifying({ approvals: undefined, changes: [description] })).reasons[0]).toContain('its change is routine');
    expect(automergeDecision(qualifying({ approvals: undefined })).reasons[0]).toContain('no owner approval is required');
  });

  it('ignores no-op changes but does not qualify a PR that changes nothing in the targets', () => {
    const noop = change({ name: 'docs', action: 'noop' });
    expect(automergeDecision(qualifying({ changes: [description, noop] })).qualifies).toBe(true);
    expect(automergeDecision(qualifying({ changes: [noop] }))).toEqual({
      qualifies: false,
      reasons: ['Nothing changes in the targets: auto-merge only merges changes the plan shows.'],
    });
  });

  it('does not qualify an invalid plan', () => {
    const diagnostics = [
      { severity: 'error' as const, code: 'schema.unknown-field', message: 'repos/api.yml: unknown field `visibilty`.' },
      { severity: 'warning' as const, code: 'x', message: 'A warning only.' },
    ];
    expect(automergeDecision(qualifying({ diagnostics }))).toEqual({
      qualifies: false,
      reasons: ['The plan is not valid: 1 error in the configuration (repos/api.yml: unknown field `visibilty`).'],
    });
    // A warning alone leaves the plan valid.
    expect(automergeDecision(qualifying({ diagnostics: diagnostics.slice(1) })).qualifies).toBe(true);
  });

  it('does not qualify a plan with a read failure', () => {
    const readFailures = [{ kind: 'github.repository', target: 'default', name: 'api', code: 'permission' as const, retryable: false, message: 'denied' }];
    expect(automergeDecision(qualifying({ readFailures })).reasons).toEqual([
      'Live state could not be read for 1 resource: github.repository/api (permission); the plan is incomplete.',
    ]);
  });

  it('does not qualify a sensitive change, naming it and why', () => {
    const goesPublic = change({ name: 'api', fields: [{ path: 'visibility', before: 'private', after: 'public' }] });
    expect(automergeDecision(qualifying({ changes: [description, goesPublic] }))).toEqual({
      qualifies: false,
      reasons: ['1 change is sensitive: github.repository/api (Makes repository api public (was private)).'],
    });
  });

  it('does not qualify a destructive change that deletes nothing', () => {
    const archive = change({ name: 'old', fields: [{ path: 'archived', before: false, after: true }] });
    expect(automergeDecision(qualifying({ changes: [archive] })).reasons).toEqual(['1 change is destructive: github.repository/old (Archives repository old: it becomes read-only).']);
  });

  it('does not qualify a deletion, even one that is blocked and would not run', () => {
    const deleted = change({ name: 'legacy', action: 'delete', origin: 'removed' });
    const retained = change({ name: 'keep', action: 'delete', origin: 'removed', blocked: 'lifecycle.retain is set' });
    expect(automergeDecision(qualifying({ changes: [description, retained] })).reasons).toEqual([
      '1 change deletes a resource: github.repository/keep (blocked: lifecycle.retain is set); a deletion is always merged by a person.',
    ]);
    // Reported as a deletion, not a second time as destructive.
    expect(automergeDecision(qualifying({ changes: [deleted, retained] })).reasons).toEqual([
      '2 changes delete a resource: github.repository/legacy, github.repository/keep (blocked: lifecycle.retain is set); a deletion is always merged by a person.',
    ]);
  });

  it('does not qualify a change that would not be applied', () => {
    const held = { ...description, blocked: 'over limits.maxUpdatesPerRun (1)' };
    expect(automergeDecision(qualifying({ changes: [held] })).reasons).toEqual(['1 change would not be applied: github.repository/api (over limits.maxUpdatesPerRun (1)).']);
  });

  it('does not qualify a plan a deny rule matches', () => {
    const violations = [
      { rule: 'no-public', effect: 'deny' as const, message: 'no-public: Repositories stay private.' },
      { rule: 'no-public', effect: 'deny' as const, message: 'no-public: Repositories stay private.' },
    ];
    expect(automergeDecision(qualifying({ violations })).reasons).toEqual(['1 policy rule denies the plan: no-public: Repositories stay private.']);
  });

  it('does not qualify while a require-approval rule is not satisfied, and does once it is', () => {
    const waiting = { rule: 'security-review', effect: 'require-approval' as const, message: 'security-review: @acme/security approves topic changes.' };
    expect(automergeDecision(qualifying({ violations: [waiting] })).reasons).toEqual(['1 policy rule waits for approval: security-review: @acme/security approves topic changes.']);
    expect(automergeDecision(qualifying({ violations: [{ ...waiting, satisfied: false }] })).qualifies).toBe(false);
    expect(automergeDecision(qualifying({ violations: [{ ...waiting, satisfied: true }] })).qualifies).toBe(true);
  });

  it('lets a warn rule through, and says so', () => {
    const warn = { rule: 'topics-style', effect: 'warn' as const, message: 'topics-style: Topics are lower case.' };
    const decision = automergeDecision(qualifying({ violations: [warn] }));
    expect(decision.qualifies).toBe(true);
    expect(decision.reasons[0]).toMatch(/1 policy warning \(topics-style\) does not stop it\.$/);
  });

  it('does not qualify until the owners approved', () => {
    expect(automergeDecision(qualifying({ approvals: { required: 2, satisfied: 1, waiting: ['@acme/web'] } })).reasons).toEqual([
      'Owners have not approved: 1 of 2 owner approvals missing, waiting for @acme/web.',
    ]);
  });

  it('does not qualify a PR that changes converge.yml', () => {
    expect(automergeDecision(qualifying({ repoConfigChanged: true })).reasons).toEqual([
      'The PR changes converge.yml, which governs approvals, policy rules and auto-merge: a person merges it.',
    ]);
  });

  it('lists every failed condition, not only the first', () => {
    const decision = automergeDecision(
      qualifying({
        changes: [change({ name: 'legacy', action: 'delete', origin: 'removed' })],
        diagnostics: [{ severity: 'error', code: 'x', message: 'Broken.' }],
        violations: [{ rule: 'no-delete', effect: 'deny', message: 'no-delete: Never.' }],
        approvals: { required: 1, satisfied: 0, waiting: ['@acme/platform'] },
      }),
    );
    expect(decision.qualifies).toBe(false);
    expect(decision.reasons).toHaveLength(4);
  });
});

describe('inputs from the policy engine and the approval check', () => {
  const rules: PolicyRule[] = [
    { name: 'security-review', description: 'Security approves topic changes.', match: { fields: ['topics'] }, effect: 'require-approval', approvers: ['@reviewer'] },
    { name: 'heads-up', description: 'Descriptions are read by customers.', match: { fields: ['description'] }, effect: 'warn' },
  ];
  const violations = evaluateRules([description, topics], rules);
  const owners: ApprovalRequirement = { reason: 'owners of github.repository/api', source: 'owners', approvers: ['@acme/web'], count: 1, resources: ['github.repository/api'] };
  const rule: ApprovalRequirement = { reason: 'security-review', source: 'rule', approvers: ['@reviewer'], count: 1, resources: ['github.repository/web'] };
  const isWebMember = (_org: string, team: string, login: string) => team === 'web' && login === 'alice';

  it('counts a rule approved only when its requirement is met, and owners apart from rules', () => {
    const none = evaluateApprovals([owners, rule], [], isWebMember);
    expect(policyVerdicts(violations, none).find((v) => v.rule === 'security-review')?.satisfied).toBe(false);
    expect(ownerApprovalStatus(none)).toEqual({ required: 1, satisfied: 0, waiting: ['@acme/web'] });
    expect(automergeDecision(qualifying({ violations: policyVerdicts(violations, none), approvals: ownerApprovalStatus(none) })).reasons).toHaveLength(2);

    const both = evaluateApprovals([owners, rule], ['alice', 'reviewer'], isWebMember);
    const decision = automergeDecision(qualifying({ violations: policyVerdicts(violations, both), approvals: ownerApprovalStatus(both) }));
    expect(decision.qualifies).toBe(true);
    expect(decision.reasons[0]).toContain('1 policy warning (heads-up)');
  });
});
