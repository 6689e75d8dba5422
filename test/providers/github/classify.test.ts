import { describe, expect, it } from 'vitest';
import type { Change, FieldChange } from '../../../src/core/plan-types.js';
import { classifyChange } from '../../../src/core/risk.js';
import { githubKinds } from '../../../src/providers/github/index.js';

const kind = (name: string) => githubKinds.find((k) => k.kind === `github.${name}`)!;
const planned = (k: string, name: string, action: Change['action'], fields: FieldChange[] = []): Change => ({ kind: `github.${k}`, target: 'default', name, action, fields, origin: 'model', owners: [] });
const risk = (k: string, name: string, action: Change['action'], fields: FieldChange[] = []) => classifyChange(kind(k), planned(k, name, action, fields));
const field = (path: string, before: unknown, after: unknown): FieldChange => ({ path, before, after });

describe('risk of github changes', () => {
  it.each([
    ['repository', 'api', 'delete', [], 'destructive', /Deletes repository api with its code/],
    ['repository', 'api', 'update', [field('archived', false, true)], 'destructive', /Archives repository api/],
    ['repository', 'api', 'update', [field('visibility', 'private', 'public')], 'sensitive', /Makes repository api public \(was private\)/],
    ['repository', 'api', 'create', [field('visibility', undefined, 'public')], 'sensitive', /Makes repository api public\./],
    ['repository', 'api', 'update', [field('description', 'a', 'b')], 'routine', /.*/],
    ['team-repository', 'platform/api', 'update', [field('permission', 'push', 'admin')], 'sensitive', /Grants team platform admin on api \(was push\)/],
    ['team-repository', 'platform/api', 'create', [field('permission', undefined, 'maintain')], 'sensitive', /Grants team platform maintain on api\./],
    ['team-repository', 'platform/api', 'update', [field('permission', 'admin', 'push')], 'routine', /.*/],
    ['team-repository', 'platform/api', 'create', [field('permission', undefined, 'push')], 'routine', /.*/],
    ['team-repository', 'platform/api', 'delete', [], 'destructive', /Removes team platform's access to api/],
    ['collaborator', 'api/octocat', 'create', [field('permission', undefined, 'push')], 'sensitive', /outside collaborator octocat push on api/],
    ['collaborator', 'api/octocat', 'create', [field('permission', undefined, 'triage')], 'routine', /.*/],
    ['member', 'octocat', 'update', [field('role', 'member', 'admin')], 'sensitive', /org owner/],
    ['team', 'platform', 'update', [field('maintainers', ['a'], ['a', 'b'])], 'sensitive', /Adds maintainers to team platform: b/],
    ['team', 'platform', 'update', [field('description', 'a', 'b')], 'routine', /.*/],
    ['branch-protection', 'api/main', 'update', [field('enforceAdmins', true, false)], 'sensitive', /enforceAdmins turned off/],
    ['branch-protection', 'api/main', 'update', [field('requiredReviews.approvals', 2, 1)], 'sensitive', /required approvals 2 → 1/],
    ['branch-protection', 'api/main', 'update', [field('allowForcePushes', false, true)], 'sensitive', /allowForcePushes turned on/],
    ['branch-protection', 'api/main', 'update', [field('requiredReviews.approvals', 1, 2)], 'routine', /.*/],
    ['branch-protection', 'api/main', 'delete', [], 'destructive', /Removes the protection of api\/main/],
    ['ruleset', 'api/main-rules', 'update', [field('enforcement', 'active', 'evaluate')], 'sensitive', /enforcement active → evaluate/],
    ['ruleset', 'api/main-rules', 'update', [field('bypassActors', [], [{ team: 'x' }])], 'sensitive', /bypass actors added/],
    ['org-ruleset', 'all', 'delete', [], 'destructive', /Removes ruleset/],
    ['environment', 'api/prod', 'update', [field('deploymentBranches', 'protected', 'all')], 'sensitive', /deploymentBranches/],
    ['label', 'api/bug', 'delete', [], 'destructive', /Deletes github.label\/api\/bug/],
    ['label', 'api/bug', 'update', [field('color', 'fff', '000')], 'routine', /.*/],
    ['variable', 'api/REGION', 'update', [field('value', 'a', 'b')], 'routine', /.*/],
  ] as const)('%s %s %s → %s', (k, name, action, fields, level, reason) => {
    const out = risk(k, name, action, [...fields]);
    expect(out.level).toBe(level);
    expect(out.reason).toMatch(reason);
  });

  it('a no-op is routine whatever the kind', () => {
    expect(risk('repository', 'api', 'noop').level).toBe('routine');
  });
});
