import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { createRegistry } from '../../src/providers/index.js';

const registry = createRegistry();
const base = 'providers:\n  github: {}\n  postgres: { connectionFromEnv: PG_URL }\npolicies:\n';
const load = (rules: string) => loadModel(new Map([['converge.yml', base + rules]]), registry);
/** [code, line] of each problem; the rules start on line 5. */
const problems = (rules: string) => load(rules).diagnostics.map((d) => [d.code, d.location?.file, d.location?.line]);

describe('converge.yml policies', () => {
  it('accepts rules over known kinds and fields, globs, one value or a list', () => {
    const model = load(`  - name: no-public
    description: Repositories stay private.
    match: { kinds: github.repository, fields: [visibility], after: public }
    effect: deny
  - name: any-github-delete
    description: Deletions on GitHub are reviewed.
    match: { kinds: ["github.*"], actions: delete, risk: [destructive] }
    effect: require-approval
    approvers: ["@acme/security", "@alice"]
    count: 2
  - name: nested
    description: Wikis stay off.
    match: { kinds: github.repository, fields: [features.wiki], after: true }
    effect: warn
`);
    expect(model.diagnostics).toEqual([]);
    expect(model.config.policies.map((r) => r.name)).toEqual(['no-public', 'any-github-delete', 'nested']);
  });

  it('reports an unknown kind on its line, with the kind it most likely meant', () => {
    const model = load('  - name: r\n    description: d\n    match:\n      kinds: [github.repository, github.repo]\n    effect: deny\n');
    expect(problems('  - name: r\n    description: d\n    match:\n      kinds: [github.repository, github.repo]\n    effect: deny\n')).toEqual([['settings.policy-unknown-kind', 'converge.yml', 8]]);
    expect(model.diagnostics[0]!.message).toBe('converge.yml: policy rule "r" names unknown kind "github.repo", so it applies to nothing. Did you mean "github.repository"?');
  });

  it('reports a kinds glob that matches no kind', () => {
    expect(problems('  - name: r\n    description: d\n    match: { kinds: "gitlab.*" }\n    effect: deny\n')).toEqual([['settings.policy-unknown-kind', 'converge.yml', 7]]);
  });

  it('reports a field the kinds it names do not have, on the field', () => {
    const rules = '  - name: r\n    description: d\n    match:\n      kinds: github.collaborator\n      fields:\n        - permission\n        - permissions\n    effect: deny\n';
    expect(problems(rules)).toEqual([['settings.policy-unknown-field', 'converge.yml', 11]]);
    expect(load(rules).diagnostics[0]!.message).toContain('field "permissions" is not a field of github.collaborator, so the rule never matches. Did you mean "permission"?');
    // SUPERUSER is not a field of postgres.role: a rule on it would guard nothing.
    expect(problems('  - name: r\n    description: d\n    match: { kinds: postgres.role, fields: [superuser], after: true }\n    effect: deny\n')).toEqual([['settings.policy-unknown-field', 'converge.yml', 7]]);
    expect(problems('  - name: r\n    description: d\n    match: { kinds: github.repository, fields: [features.wikis] }\n    effect: deny\n')).toEqual([['settings.policy-unknown-field', 'converge.yml', 7]]);
  });

  it('reports a bad risk level, action or effect through the schema, on the line', () => {
    expect(problems('  - name: r\n    description: d\n    match:\n      risk: [risky]\n    effect: deny\n')).toEqual([[expect.stringMatching(/^schema\./), 'converge.yml', 8]]);
    expect(problems('  - name: r\n    description: d\n    match: {}\n    effect: block\n')).toEqual([[expect.stringMatching(/^schema\./), 'converge.yml', 8]]);
  });

  it('asks for approvers on require-approval, and refuses them on other effects', () => {
    expect(problems('  - name: r\n    description: d\n    effect: require-approval\n')).toEqual([['settings.policy', 'converge.yml', 7]]);
    expect(problems('  - name: r\n    description: d\n    effect: deny\n    approvers: ["@acme/security"]\n')).toEqual([['settings.policy', 'converge.yml', 8]]);
    expect(problems('  - name: r\n    description: d\n    effect: require-approval\n    approvers: ["@alice", "@bob"]\n    count: 3\n')).toEqual([['settings.policy', 'converge.yml', 9]]);
    expect(problems('  - name: r\n    description: d\n    effect: require-approval\n    approvers: ["acme/security"]\n')).toEqual([[expect.stringMatching(/^schema\./), 'converge.yml', 8]]);
  });

  it('asks for fields when a rule compares values', () => {
    expect(problems('  - name: r\n    description: d\n    match:\n      after: public\n    effect: deny\n')).toEqual([['settings.policy', 'converge.yml', 8]]);
  });

  it('reports two rules with one name, on the second', () => {
    expect(problems('  - name: r\n    description: d\n    effect: warn\n  - name: r\n    description: e\n    effect: deny\n')).toEqual([['settings.policy-duplicate', 'converge.yml', 8]]);
  });
});
