import { describe, expect, it } from 'vitest';
import {
  approversAtHead,
  evaluateApprovals,
  membershipQuestions,
  mergeRequirements,
  ownerRequirements,
  type ApprovalRequirement,
  type Review,
} from '../../src/core/approvals.js';

const HEAD = 'b'.repeat(40);
const OLD = 'a'.repeat(40);
let id = 0;
const review = (login: string, state: string, commitId = HEAD, type = 'User'): Review => ({ id: ++id, user: { login, type }, state, commitId, submittedAt: `2025-01-01T00:00:${String(id).padStart(2, '0')}Z` });
const at = (reviews: Review[], author = 'alice') => approversAtHead(reviews, { headSha: HEAD, author });

describe('who approved at the head (GitHub review semantics)', () => {
  it('counts an approval at the head', () => {
    expect(at([review('carol', 'APPROVED')])).toEqual(['carol']);
  });

  it('takes each reviewer’s latest verdict: a later change request or dismissal cancels, a comment does not', () => {
    expect(at([review('carol', 'APPROVED'), review('carol', 'CHANGES_REQUESTED')])).toEqual([]);
    expect(at([review('carol', 'CHANGES_REQUESTED'), review('carol', 'APPROVED')])).toEqual(['carol']);
    expect(at([review('carol', 'APPROVED'), review('carol', 'COMMENTED')])).toEqual(['carol']);
    expect(at([review('carol', 'APPROVED'), review('carol', 'DISMISSED')])).toEqual([]);
    expect(at([review('carol', 'DISMISSED')])).toEqual([]);
  });

  it('orders by submission time, not by list position', () => {
    const approved = review('carol', 'APPROVED');
    const changes = review('carol', 'CHANGES_REQUESTED');
    expect(at([changes, approved])).toEqual([]);
  });

  it('does not count an approval of an earlier commit, even followed by a comment at the head', () => {
    expect(at([review('carol', 'APPROVED', OLD)])).toEqual([]);
    expect(at([review('carol', 'APPROVED', OLD), review('carol', 'COMMENTED', HEAD)])).toEqual([]);
  });

  it('never counts the author’s own approval nor an app’s, and ignores deleted accounts and pending drafts', () => {
    expect(at([review('Alice', 'APPROVED'), review('renovate[bot]', 'APPROVED', HEAD, 'Bot'), review('dave', 'PENDING')])).toEqual([]);
    expect(at([{ id: ++id, user: null, state: 'APPROVED', commitId: HEAD }])).toEqual([]);
  });

  it('treats logins case-insensitively, keeping GitHub’s spelling', () => {
    expect(at([review('Carol', 'APPROVED'), review('carol', 'CHANGES_REQUESTED')])).toEqual([]);
    expect(at([review('carol', 'CHANGES_REQUESTED'), review('Carol', 'APPROVED')])).toEqual(['Carol']);
  });
});

const change = (name: string, owners: string[], extra: { action?: string; blocked?: string } = {}) => ({ kind: 'github.repository', target: 'default', name, action: extra.action ?? 'update', owners, ...(extra.blocked ? { blocked: extra.blocked } : {}) });

describe('owner requirements', () => {
  it('asks one of the owners of each changed resource; no-ops, blocked changes and unowned resources ask nothing', () => {
    const requirements = ownerRequirements([
      change('db', ['@acme/db']),
      change('web', ['@acme/web', '@bob']),
      change('same', ['@acme/db'], { action: 'noop' }),
      change('old', ['@acme/db'], { action: 'delete', blocked: 'prune is off' }),
      change('free', []),
    ]);
    expect(requirements).toEqual([
      { reason: 'owners of github.repository/db', source: 'owners', approvers: ['@acme/db'], count: 1, resources: ['github.repository/db'] },
      { reason: 'owners of github.repository/web', source: 'owners', approvers: ['@acme/web', '@bob'], count: 1, resources: ['github.repository/web'] },
    ]);
  });

  it('asks the owners the base declares, under the old name for a rename; a new resource asks its own', () => {
    const atBase: Record<string, string[]> = { 'github.repository/db': ['@acme/db'], 'github.repository/old-web': ['@acme/web'] };
    const requirements = ownerRequirements(
      [change('db', ['@mallory']), { ...change('web', ['@mallory'], { action: 'rename' }), fromName: 'old-web' }, change('new', ['@acme/new'], { action: 'create' })],
      (ref) => atBase[`${ref.kind}/${ref.name}`],
    );
    expect(requirements.map((r) => [r.resources[0], r.approvers])).toEqual([
      ['github.repository/db', ['@acme/db']],
      ['github.repository/web', ['@acme/web']],
      ['github.repository/new', ['@acme/new']],
    ]);
  });

  it('merges requirements asking the same people, and keeps rules apart', () => {
    const merged = mergeRequirements([
      ...ownerRequirements([change('a', ['@acme/db']), change('b', ['@ACME/db']), change('c', ['@acme/web'])]),
      { reason: 'public-repos', source: 'rule', approvers: ['@acme/db'], count: 1, resources: ['github.repository/a'] },
    ]);
    expect(merged.map((r) => [r.source, r.approvers, r.resources])).toEqual([
      ['owners', ['@acme/db'], ['github.repository/a', 'github.repository/b']],
      ['owners', ['@acme/web'], ['github.repository/c']],
      ['rule', ['@acme/db'], ['github.repository/a']],
    ]);
  });
});

describe('evaluating requirements', () => {
  const db: ApprovalRequirement = { reason: 'owners of github.repository/db', source: 'owners', approvers: ['@acme/db'], count: 1, resources: ['github.repository/db'] };
  const web: ApprovalRequirement = { reason: 'owners of github.repository/web', source: 'owners', approvers: ['@acme/web', '@bob'], count: 1, resources: ['github.repository/web'] };
  const teams: Record<string, string[]> = { 'acme/db': ['carol', 'erin'], 'acme/web': ['frank'] };
  const isMember = (org: string, team: string, login: string) => (teams[`${org}/${team}`.toLowerCase()] ?? []).includes(login.toLowerCase());

  it('is satisfied by a team member or a named user, and says per owner what still waits', () => {
    const waiting = evaluateApprovals([db, web], ['bob'], isMember);
    expect(waiting.satisfied).toBe(false);
    expect(waiting.requirements.map((r) => [r.requirement.reason, r.satisfied, r.approvedBy])).toEqual([
      ['owners of github.repository/db', false, []],
      ['owners of github.repository/web', true, ['bob']],
    ]);
    expect(waiting.owners).toEqual([
      { owner: '@acme/db', approvedBy: [], waiting: ['github.repository/db'], resources: ['github.repository/db'], satisfied: false },
      { owner: '@acme/web', approvedBy: [], waiting: [], resources: ['github.repository/web'], satisfied: true },
      { owner: '@bob', approvedBy: ['bob'], waiting: [], resources: ['github.repository/web'], satisfied: true },
    ]);
    expect(evaluateApprovals([db, web], ['bob', 'Carol'], isMember).satisfied).toBe(true);
  });

  it('needs N different people among the approvers for an N-of-M rule', () => {
    const rule: ApprovalRequirement = { reason: 'public-repos', source: 'rule', approvers: ['@acme/db', '@bob'], count: 2, resources: ['github.repository/db'] };
    expect(evaluateApprovals([rule], ['carol'], isMember).satisfied).toBe(false);
    expect(evaluateApprovals([rule], ['carol', 'frank'], isMember).satisfied).toBe(false);
    expect(evaluateApprovals([rule], ['carol', 'bob'], isMember).requirements[0]).toMatchObject({ satisfied: true, approvedBy: ['carol', 'bob'] });
  });

  it('is satisfied with no requirement at all', () => {
    expect(evaluateApprovals([], [], isMember)).toEqual({ satisfied: true, requirements: [], owners: [] });
  });

  it('asks each team only about the people who approved, once', () => {
    expect(membershipQuestions([db, web, { ...db, resources: ['x'] }], ['carol', 'bob'])).toEqual([
      { org: 'acme', team: 'db', login: 'carol' },
      { org: 'acme', team: 'db', login: 'bob' },
      { org: 'acme', team: 'web', login: 'carol' },
      { org: 'acme', team: 'web', login: 'bob' },
    ]);
    expect(membershipQuestions([db], [])).toEqual([]);
  });
});
