import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/core/plan-types.js';
import { blockDenied, denials, evaluateRules, ruleApprovals, type PolicyRule } from '../../src/core/rules.js';

const change = (over: Partial<Change> & Pick<Change, 'kind' | 'name'>): Change => ({ target: 'default', action: 'update', fields: [], origin: 'model', owners: [], ...over });
const rule = (over: Partial<PolicyRule>): PolicyRule => ({ name: 'r', description: 'Because.', match: {}, effect: 'deny', ...over });

const publicRepo = change({ kind: 'github.repository', name: 'api', fields: [{ path: 'visibility', before: 'private', after: 'public' }] });
const privateRepo = change({ kind: 'github.repository', name: 'web', fields: [{ path: 'visibility', before: 'public', after: 'private' }] });
const admin = change({ kind: 'github.collaborator', name: 'api/octocat', fields: [{ path: 'permission', before: 'push', after: 'admin' }] });
const prodDelete = change({ kind: 'github.repository', name: 'prod-db', action: 'delete', origin: 'removed', risk: { level: 'destructive', reason: 'Deletes it.' } });

describe('evaluateRules', () => {
  it('matches a field by its value after the change, and names the field', () => {
    const r = rule({ name: 'no-public', match: { kinds: 'github.repository', fields: ['visibility'], after: 'public' } });
    const violations = evaluateRules([publicRepo, privateRepo, admin], [r]);
    expect(violations.map((v) => v.key)).toEqual(['github.repository/api']);
    expect(violations[0]).toMatchObject({ effect: 'deny', field: { path: 'visibility', after: 'public' }, message: 'no-public: Because.' });
  });

  it('reads a list of values as "any of these", and compares the value before too', () => {
    const r = rule({ match: { kinds: ['github.collaborator'], fields: ['permission'], after: ['maintain', 'admin'] } });
    expect(evaluateRules([admin], [r])).toHaveLength(1);
    expect(evaluateRules([change({ ...admin, fields: [{ path: 'permission', before: 'pull', after: 'push' }] })], [r])).toEqual([]);
    expect(evaluateRules([admin], [rule({ match: { fields: ['permission'], before: 'pull' } })])).toEqual([]);
    // A list value itself is a list in the list.
    const topics = change({ kind: 'github.repository', name: 'a', fields: [{ path: 'topics', before: [], after: ['x', 'y'] }] });
    expect(evaluateRules([topics], [rule({ match: { fields: ['topics'], after: [['x', 'y']] } })])).toHaveLength(1);
  });

  it('needs every condition: kind globs, name globs, actions and risk', () => {
    const r = rule({ match: { kinds: 'github.*', names: 'prod-*', actions: 'delete', risk: 'destructive' } });
    expect(evaluateRules([prodDelete, publicRepo], [r]).map((v) => v.key)).toEqual(['github.repository/prod-db']);
    expect(evaluateRules([{ ...prodDelete, name: 'dev-db' }], [r])).toEqual([]);
    expect(evaluateRules([prodDelete], [rule({ match: { kinds: 'postgres.*', actions: 'delete' } })])).toEqual([]);
    // A rename from a prod name is about a prod repository too.
    expect(evaluateRules([change({ kind: 'github.repository', name: 'old-db', fromName: 'prod-db', action: 'rename' })], [rule({ match: { names: ['prod-*'] } })])).toHaveLength(1);
  });

  it('covers fields below a named one, and the named part of an object replaced whole', () => {
    const nested = change({ kind: 'github.repository', name: 'a', fields: [{ path: 'features.wiki', before: false, after: true }] });
    expect(evaluateRules([nested], [rule({ match: { fields: ['features'] } })])[0]!.field!.path).toBe('features.wiki');
    const whole = change({ kind: 'x.y', name: 'a', fields: [{ path: 'security', before: { scanning: true, alerts: true }, after: { scanning: false, alerts: true } }] });
    expect(evaluateRules([whole], [rule({ match: { fields: ['security.scanning'], after: false } })])[0]!.field).toMatchObject({ path: 'security.scanning', before: true, after: false });
    expect(evaluateRules([whole], [rule({ match: { fields: ['security.alerts'] } })])).toEqual([]);
  });

  it('reads an absent value as null, so a field a create sets matches `before: null`', () => {
    const created = change({ kind: 'github.repository', name: 'n', action: 'create', fields: [{ path: 'visibility', before: undefined, after: 'public' }] });
    expect(evaluateRules([created], [rule({ match: { fields: ['visibility'], before: null } })])).toHaveLength(1);
  });

  it('ignores no-ops and changes policy already blocks', () => {
    const r = rule({ match: {} });
    expect(evaluateRules([{ ...publicRepo, action: 'noop' }, { ...prodDelete, blocked: 'prune is off in converge.yml' }], [r])).toEqual([]);
  });

  it('orders denials first, then approvals, then warnings', () => {
    const violations = evaluateRules([publicRepo], [rule({ name: 'w', effect: 'warn' }), rule({ name: 'a', effect: 'require-approval', approvers: ['@acme/sec'] }), rule({ name: 'd' })]);
    expect(violations.map((v) => v.rule.name)).toEqual(['d', 'a', 'w']);
    expect(denials(violations).map((v) => v.rule.name)).toEqual(['d']);
  });
});

describe('ruleApprovals', () => {
  it('gives one requirement per require-approval rule, covering every resource it matched', () => {
    const r = rule({ name: 'security-publishes', effect: 'require-approval', approvers: ['@acme/security', '@alice'], count: 2, match: { fields: ['visibility'] } });
    expect(ruleApprovals(evaluateRules([publicRepo, privateRepo, admin], [r, rule({ name: 'other' })]))).toEqual([
      { reason: 'security-publishes', source: 'rule', approvers: ['@acme/security', '@alice'], count: 2, resources: ['github.repository/api', 'github.repository/web'] },
    ]);
  });
});

describe('blockDenied', () => {
  it('blocks the denied changes with the rule named, and leaves the rest', () => {
    const changes = [publicRepo, privateRepo];
    const out = blockDenied(changes, evaluateRules(changes, [rule({ name: 'no-public', match: { fields: ['visibility'], after: 'public' } })]));
    expect(out[0]!.blocked).toBe('denied by the policy rule no-public: Because.');
    expect(out[1]).toBe(privateRepo);
  });
});
