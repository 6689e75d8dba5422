import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import type { Change } from '../../src/core/plan-types.js';
import { classifyChange } from '../../src/core/risk.js';
import { evaluateRules, ruleApprovals } from '../../src/core/rules.js';
import { createRegistry } from '../../src/providers/index.js';

const registry = createRegistry();
const SETTINGS = 'providers:\n  github: {}\n  postgres: { connectionFromEnv: PG_URL }\n';
const README = 'README.md';
const policyBlocks = (file: string) => [...readFileSync(file, 'utf8').matchAll(/```yaml\n(policies:\n[\s\S]*?)```/g)].map((m) => m[1]!);

function change(kind: string, name: string, action: Change['action'], fields: Change['fields'] = []): Change {
  const plain: Change = { kind, target: 'default', name, action, fields, origin: action === 'delete' ? 'removed' : 'model', owners: [] };
  return { ...plain, risk: classifyChange(registry.kind(kind), plain) };
}

/** What each README example claims: changes it catches, and changes it lets through. */
const CLAIMS: Record<string, { catches: Change[]; allows: Change[] }> = {
  'public-needs-security': {
    catches: [change('github.repository', 'api', 'update', [{ path: 'visibility', before: 'private', after: 'public' }]), change('github.repository', 'new', 'create', [{ path: 'visibility', before: undefined, after: 'public' }])],
    allows: [change('github.repository', 'api', 'update', [{ path: 'visibility', before: 'private', after: 'internal' }])],
  },
  'collaborators-at-most-push': {
    catches: [change('github.collaborator', 'api/octocat', 'update', [{ path: 'permission', before: 'push', after: 'admin' }]), change('github.collaborator', 'api/hubot', 'create', [{ path: 'permission', before: undefined, after: 'maintain' }])],
    allows: [change('github.collaborator', 'api/octocat', 'update', [{ path: 'permission', before: 'pull', after: 'push' }])],
  },
  'keep-prod-repositories': {
    catches: [change('github.repository', 'prod-db', 'delete')],
    allows: [change('github.repository', 'dev-db', 'delete'), change('github.repository', 'prod-db', 'update', [{ path: 'description', before: 'a', after: 'b' }])],
  },
  'no-postgres-superpowers': {
    catches: [change('postgres.role', 'app', 'update', [{ path: 'createrole', before: false, after: true }]), change('postgres.role', 'boss', 'update', [{ path: 'superuser', before: false, after: true }])],
    allows: [change('postgres.role', 'app', 'update', [{ path: 'connectionLimit', before: 10, after: 20 }])],
  },
};

// Users copy these rules: they must load, and catch what the README says they catch.
describe('the policy rules in the README', () => {
  const blocks = policyBlocks(README);
  const model = loadModel(new Map([['converge.yml', SETTINGS + blocks.join('\n')]]), registry);

  it('load without problems', () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect(model.diagnostics).toEqual([]);
    expect(model.config.policies.map((r) => r.name).sort()).toEqual(Object.keys(CLAIMS).sort());
  });

  for (const [name, claim] of Object.entries(CLAIMS)) {
    it(`${name} catches what it claims, and only that`, () => {
      const rule = model.config.policies.find((r) => r.name === name)!;
      expect(rule).toBeDefined();
      for (const c of claim.catches) expect(evaluateRules([c], [rule]), `${c.kind}/${c.name}`).toHaveLength(1);
      for (const c of claim.allows) expect(evaluateRules([c], [rule]), `${c.kind}/${c.name}`).toEqual([]);
    });
  }

  it('asks @acme/security to approve a repository made public', () => {
    const rules = model.config.policies;
    const [publicApi] = CLAIMS['public-needs-security']!.catches;
    expect(ruleApprovals(evaluateRules([publicApi!], rules))).toEqual([{ reason: 'public-needs-security', source: 'rule', approvers: ['@acme/security'], count: 1, resources: ['github.repository/api'] }]);
  });
});
