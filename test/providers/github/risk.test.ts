import { describe, expect, it } from 'vitest';
import { computePlan } from '../../../src/core/plan.js';
import type { Change, FieldChange } from '../../../src/core/plan-types.js';
import { classifyChange, type Risk } from '../../../src/core/risk.js';
import { githubKinds } from '../../../src/providers/github/index.js';
import { installFakeGitHub } from '../../support/fake-github/index.js';
import { connectToFake, seedPeople } from './fake.js';
import { r } from './fixtures.js';

const fake = installFakeGitHub({ seed: seedPeople });

const kindOf = (kind: string) => githubKinds.find((k) => k.kind === kind);
const field = (path: string, before: unknown, after: unknown): FieldChange => ({ path, before, after });

function risk(kind: string, name: string, action: Change['action'], fields: FieldChange[] = [], extra: Partial<Change> = {}): Risk {
  const change: Change = { kind: `github.${kind}`, target: 'default', name, action, fields, origin: 'model', owners: [], ...extra };
  return classifyChange(kindOf(change.kind), change);
}

type Case = [kind: string, name: string, action: Change['action'], fields: FieldChange[], level: Risk['level'], reason: string | RegExp, extra?: Partial<Change>];

const cases: Case[] = [
  ['repository', 'api', 'delete', [], 'destructive', 'Deletes repository api with its code, issues, pull requests and wiki.'],
  ['repository', 'api', 'update', [field('archived', false, true)], 'destructive', 'Archives repository api: it becomes read-only.'],
  ['repository', 'api', 'update', [field('visibility', 'private', 'public')], 'sensitive', 'Makes repository api public (was private).'],
  ['repository', 'api', 'create', [field('visibility', undefined, 'public')], 'sensitive', 'Creates repository api public.'],
  ['repository', 'api', 'create', [field('visibility', undefined, 'private')], 'routine', /Nothing is removed/],
  ['repository', 'api', 'update', [field('description', 'a', 'b'), field('topics', ['a'], ['b']), field('archived', true, false)], 'routine', /Nothing is removed/],

  ['team-repository', 'platform/api', 'update', [field('permission', 'push', 'admin')], 'sensitive', 'Grants team platform admin on api (was push).'],
  ['team-repository', 'platform/api', 'create', [field('permission', undefined, 'maintain')], 'sensitive', 'Grants team platform maintain on api.'],
  // Renamed onto another team: a new grant for that team, whatever the old one had.
  ['team-repository', 'web/api', 'rename', [], 'sensitive', 'Grants team web admin on api.', { fromName: 'platform/api', desired: { permission: 'admin' }, actual: { permission: 'admin' } }],
  ['team-repository', 'platform/api2', 'rename', [], 'routine', /Nothing/, { fromName: 'platform/api', desired: { permission: 'admin' }, actual: { permission: 'admin' } }],
  ['team-repository', 'platform/api', 'update', [field('permission', 'admin', 'push')], 'routine', /Nothing/],
  ['team-repository', 'platform/api', 'create', [field('permission', undefined, 'push')], 'routine', /Nothing/],
  ['team-repository', 'platform/api', 'delete', [], 'destructive', "Removes team platform's access to api: its members lose what the team granted."],

  ['collaborator', 'api/carol', 'create', [field('permission', undefined, 'push')], 'sensitive', 'Grants outside collaborator carol push on api.'],
  ['collaborator', 'api/carol', 'update', [field('permission', 'triage', 'admin')], 'sensitive', 'Grants outside collaborator carol admin on api (was triage).'],
  ['collaborator', 'api/carol', 'update', [field('permission', 'my-custom-role', 'push')], 'sensitive', /carol push on api \(was my-custom-role\)/],
  ['collaborator', 'api/carol', 'create', [field('permission', undefined, 'triage')], 'routine', /Nothing/],
  ['collaborator', 'api/carol', 'update', [field('permission', 'admin', 'push')], 'routine', /Nothing/],
  ['collaborator', 'api/carol', 'delete', [], 'destructive', 'Removes collaborator carol from api: their direct access ends.'],

  ['member', 'bob', 'update', [field('role', 'member', 'admin')], 'sensitive', 'Makes bob an org owner (was member).'],
  ['member', 'bob', 'update', [field('role', 'admin', 'member')], 'routine', /Nothing/],
  ['member', 'bob', 'delete', [], 'destructive', /Removes bob from the org/],

  ['team', 'platform', 'update', [field('members', ['bob', 'dave'], ['bob']), field('maintainers', ['alice'], ['alice', 'dave'])], 'sensitive', 'Makes dave a maintainer of team platform: they can add anyone to it.'],
  ['team', 'platform', 'create', [field('maintainers', undefined, ['alice', 'bob'])], 'sensitive', /Makes alice and bob maintainers of team platform/],
  ['team', 'platform', 'update', [field('description', 'a', 'b'), field('members', [], ['bob'])], 'routine', /Nothing/],
  ['team', 'platform', 'delete', [], 'destructive', 'Deletes team platform: its members lose every access the team grants.'],

  [
    'branch-protection',
    'api/main',
    'update',
    [
      field('requiredReviews.approvals', 2, 1),
      field('requiredStatusChecks.checks', [{ context: 'build' }, { context: 'deploy', app: 'ci' }], [{ context: 'build' }]),
      field('enforceAdmins', true, false),
      field('allowForcePushes', false, true),
      field('allowDeletions', false, true),
    ],
    'sensitive',
    'Weakens the protection of main in api: required approvals go from 2 to 1; required check deploy no longer blocks merging; admins are no longer bound by it; force pushes are allowed; the branch may be deleted.',
  ],
  ['branch-protection', 'api/main', 'update', [field('requiredReviews', { approvals: 1 }, null), field('requiredStatusChecks', { strict: true, checks: [] }, null)], 'sensitive', /required reviews are removed; required status checks are removed/],
  ['branch-protection', 'api/main', 'update', [field('restrictions', { users: ['alice'] }, null)], 'sensitive', /push restrictions are removed: everyone with write access may push/],
  ['branch-protection', 'api/main', 'update', [field('restrictions.teams', [], ['platform'])], 'sensitive', /teams platform may now push/],
  ['branch-protection', 'api/release/*', 'rename', [], 'sensitive', /it moves from main to release\/\*, so branches only main matches lose it/, { fromName: 'api/main' }],
  ['branch-protection', 'api/main', 'update', [field('requiredReviews.approvals', 1, 2), field('requiredReviews', null, { approvals: 1 }), field('allowForcePushes', true, false)], 'routine', /Nothing/],
  // Creating protection only adds rules, even one that allows force pushes.
  ['branch-protection', 'api/main', 'create', [field('allowForcePushes', undefined, true)], 'routine', /Nothing/],
  ['branch-protection', 'api/main', 'delete', [], 'destructive', 'Deletes the protection of main in api: its reviews, status checks and push rules stop applying.'],

  ['ruleset', 'api/protect main', 'update', [field('enforcement', 'active', 'evaluate')], 'sensitive', 'Weakens ruleset protect main of api: enforcement goes from active to evaluate (rules are only reported, not enforced).'],
  ['ruleset', 'api/protect main', 'update', [field('enforcement', 'evaluate', 'disabled')], 'sensitive', /enforcement goes from evaluate to disabled \(rules do not apply\)/],
  [
    'ruleset',
    'api/protect main',
    'update',
    [field('bypassActors', [{ type: 'role', name: 'admin', mode: 'always' }, { type: 'team', name: 'platform', mode: 'pull_request' }], [{ type: 'org-admin', mode: 'always' }, { type: 'role', name: 'admin', mode: 'always' }, { type: 'team', name: 'platform', mode: 'always' }])],
    'sensitive',
    'Weakens ruleset protect main of api: org admins and team platform may bypass it.',
  ],
  [
    'ruleset',
    'api/protect main',
    'update',
    [
      field(
        'rules',
        [{ type: 'deletion' }, { type: 'pull_request', parameters: { required_approving_review_count: 2, require_code_owner_review: true } }],
        [{ type: 'pull_request', parameters: { required_approving_review_count: 1, require_code_owner_review: false } }],
      ),
    ],
    'sensitive',
    'Weakens ruleset protect main of api: rule deletion is removed; pull_request require_code_owner_review is turned off; required approvals go from 2 to 1.',
  ],
  ['ruleset', 'api/protect main', 'update', [field('conditions.refName.exclude', [], ['refs/heads/hotfix'])], 'sensitive', /it now excludes refs refs\/heads\/hotfix/],
  ['ruleset', 'api/protect main', 'update', [field('enforcement', 'disabled', 'active'), field('rules', [{ type: 'deletion' }], [{ type: 'deletion' }, { type: 'non_fast_forward' }])], 'routine', /Nothing/],
  ['ruleset', 'api/protect main', 'create', [field('enforcement', undefined, 'disabled')], 'routine', /Nothing/],
  ['ruleset', 'api/protect main', 'delete', [], 'destructive', 'Deletes ruleset protect main of api: its rules stop applying.'],

  ['org-ruleset', 'no force pushes', 'update', [field('conditions.repositoryName.include', ['~ALL'], ['svc-a'])], 'sensitive', 'Weakens org ruleset no force pushes: it no longer includes repositories ~ALL.'],
  ['org-ruleset', 'no force pushes', 'update', [field('conditions.repositoryName.exclude', ['svc-b'], [])], 'routine', /Nothing/],
  ['org-ruleset', 'no force pushes', 'delete', [], 'destructive', 'Deletes org ruleset no force pushes: its rules stop applying.'],

  [
    'environment',
    'api/production',
    'update',
    [field('waitTimer', 10, 0), field('preventSelfReview', true, false), field('reviewers.users', ['alice', 'bob'], ['bob']), field('deploymentBranches', 'protected', 'all')],
    'sensitive',
    'Weakens the protection of environment production of api: required reviewers (users) alice are removed; the wait before deploying goes from 10 to 0 minutes; people may approve their own deployments; every branch may deploy.',
  ],
  ['environment', 'api/production', 'update', [field('deploymentBranches.patterns', ['main'], ['main', 'feature/*'])], 'sensitive', /branches matching feature\/\* may deploy/],
  ['environment', 'api/production', 'update', [field('waitTimer', 0, 10), field('deploymentBranches', 'all', 'protected'), field('reviewers.teams', [], ['platform'])], 'routine', /Nothing/],
  ['environment', 'api/production', 'delete', [], 'destructive', 'Deletes environment production of api with its secrets, variables and protection rules.'],

  ['label', 'api/bug', 'update', [field('color', 'ffffff', '000000'), field('description', '', 'Bugs')], 'routine', /Nothing/],
  ['label', 'api/bug', 'delete', [], 'destructive', 'Deletes label bug of api: it is taken off every issue and pull request.'],

  ['variable', 'api/REGION', 'update', [field('value', 'eu-west-1', 'us-east-1')], 'routine', /Nothing/],
  ['variable', 'api/REGION', 'delete', [], 'destructive', 'Deletes variable REGION of api: workflows reading it get an empty value.'],

  ['org-variable', 'DEPLOY_ENV', 'update', [field('value', 'prod', 'staging'), field('visibility', 'all', 'selected')], 'routine', /Nothing/],
  ['org-variable', 'DEPLOY_ENV', 'update', [field('visibility', 'private', 'all')], 'sensitive', 'Makes org variable DEPLOY_ENV visible to every repository, public ones included (was private).'],
  ['org-variable', 'DEPLOY_ENV', 'delete', [], 'destructive', /Deletes org variable DEPLOY_ENV/],
];

describe('risk of github changes', () => {
  it.each(cases)('%s %s %s → %s', (kind, name, action, fields, level, reason, extra) => {
    const got = risk(kind, name, action, fields, extra);
    expect(got.level).toBe(level);
    if (typeof reason === 'string') expect(got.reason).toBe(reason);
    else expect(got.reason).toMatch(reason);
  });

  it('covers every kind with a risky and a routine case', () => {
    const covered = (levels: Array<Risk['level']>) => new Set(cases.filter((c) => levels.includes(c[4])).map((c) => `github.${c[0]}`));
    const kinds = githubKinds.map((k) => k.kind);
    expect([...covered(['sensitive', 'destructive'])].sort()).toEqual([...kinds].sort());
    expect([...covered(['routine'])].sort()).toEqual([...kinds].sort());
  });

  it('never throws on values the schema would not produce', () => {
    const odd = [null, 'x', 3, [null, 'a', 7], { type: 7 }, { context: null }];
    for (const kind of githubKinds) {
      for (const value of odd) {
        const paths = ['permission', 'role', 'visibility', 'archived', 'maintainers', 'requiredReviews', 'requiredReviews.approvals', 'requiredStatusChecks.checks', 'restrictions', 'restrictions.users', 'enforcement', 'bypassActors', 'rules', 'conditions.refName.include', 'waitTimer', 'reviewers.users', 'deploymentBranches', 'deploymentBranches.patterns'];
        for (const action of ['create', 'update', 'rename'] as const) {
          const change: Change = { kind: kind.kind, target: 'default', name: 'odd', fromName: 'x/y/z', action, fields: paths.map((p) => field(p, value, value === null ? 'x' : null)), desired: { permission: value }, origin: 'model', owners: [] };
          expect(() => kind.classify!(change), `${kind.kind} ${action} ${JSON.stringify(value)}`).not.toThrow();
        }
      }
    }
  });
});

describe('risk in a plan against the fake GitHub', () => {
  it('marks a team raised from push to admin as sensitive, naming the team, the repository and both permissions', async () => {
    fake.addRepo({ name: 'api' });
    fake.addTeam({ name: 'platform', repos: { api: 'push' } });
    const session = await connectToFake();
    const plan = await computePlan({ desired: [r('team-repository', 'platform/api', { permission: 'admin' })], removed: [], kindOf, session: () => session });
    expect(plan.readFailures).toEqual([]);
    expect(plan.changes.map((c) => [c.action, c.name, c.risk])).toEqual([['update', 'platform/api', { level: 'sensitive', reason: 'Grants team platform admin on api (was push).' }]]);
  });
});
