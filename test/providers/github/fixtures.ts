import type { DesiredResource } from '../../../src/core/resource.js';
import { githubProvider } from '../../../src/providers/github/index.js';
import { desired } from '../../support/resources.js';

/**
 * A model with every kind of the github provider, for the contract suite and the fake tests.
 * People and apps it names are seeded by `seedPeople` (fake.ts).
 */

/** A resource of `kind`, its spec parsed by the kind's schema as the loader would. */
export function r(kind: string, name: string, spec: Record<string, unknown>, previousNames: string[] = []): DesiredResource {
  const schema = githubProvider.kinds.find((k) => k.kind === `github.${kind}`)!.spec;
  return desired(`github.${kind}`, name, schema.parse(spec) as Record<string, unknown>, { previousNames });
}

const protectMain = {
  requiredReviews: { approvals: 1, dismissStaleReviews: true },
  requiredStatusChecks: { strict: true, checks: ['build', { context: 'deploy', app: 'ci' }] },
  enforceAdmins: true,
  restrictions: { users: ['alice'], teams: ['platform'], apps: ['ci'] },
  requireLinearHistory: true,
  allowForcePushes: false,
  allowDeletions: false,
  requireConversationResolution: true,
};

const ruleset = {
  enforcement: 'active',
  conditions: { refName: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
  bypassActors: [{ type: 'team', name: 'platform' }, { type: 'role', name: 'admin' }],
  rules: [{ type: 'deletion' }, { type: 'pull_request', parameters: { required_approving_review_count: 1 } }],
};

const orgRuleset = {
  enforcement: 'evaluate',
  conditions: { refName: { include: ['~ALL'] }, repositoryName: { include: ['~ALL'], exclude: ['svc-b'] } },
  rules: [{ type: 'non_fast_forward' }],
};

const production = {
  waitTimer: 10,
  preventSelfReview: true,
  reviewers: { users: ['alice'], teams: ['platform'] },
  deploymentBranches: { patterns: ['main', 'release/*'] },
};

/** Every kind, none of it on GitHub yet. */
export const initialModel = (): DesiredResource[] => [
  r('repository', 'svc-a', {
    description: 'Service A',
    homepage: 'https://a.example.com',
    visibility: 'private',
    features: { issues: true, projects: false, wiki: false },
    merge: { allowMergeCommit: false, allowSquashMerge: true, allowRebaseMerge: false, allowAutoMerge: true, deleteBranchOnMerge: true },
    topics: ['Platform', 'api'],
  }),
  r('repository', 'svc-b', { description: null, archived: false }),
  r('label', 'svc-a/bug', { color: '#D73A4A', description: 'Something is broken' }),
  r('label', 'svc-a/area/ci', { color: 'a2eeef' }),
  r('label', 'svc-b/bug', { color: 'd73a4a', description: null }),
  r('team', 'platform', { description: 'Platform', privacy: 'closed', notifications: true, members: ['bob'], maintainers: ['Alice'] }),
  r('team', 'platform-sre', { name: 'Platform SRE', parent: 'platform', privacy: 'closed', members: ['bob'] }),
  r('team-repository', 'platform/svc-a', { permission: 'maintain' }),
  r('collaborator', 'svc-a/carol', { permission: 'triage' }),
  r('branch-protection', 'svc-a/main', protectMain),
  r('branch-protection', 'svc-a/release/*', { requiredReviews: { approvals: 2 } }),
  r('ruleset', 'svc-a/protect main', ruleset),
  r('org-ruleset', 'no force pushes', orgRuleset),
  r('environment', 'svc-a/production', production),
  r('environment', 'svc-b/staging', { deploymentBranches: 'protected' }),
  r('variable', 'svc-a/REGION', { value: 'eu-west-1' }),
  r('org-variable', 'DEPLOY_ENV', { value: 'prod', visibility: 'selected', repositories: ['svc-a'] }),
];

/** The same names with fields changed. */
export const changedModel = (): DesiredResource[] => [
  r('repository', 'svc-a', {
    description: 'Service A, v2',
    homepage: '',
    visibility: 'public',
    features: { issues: false, projects: false, wiki: true },
    merge: { allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: false, allowAutoMerge: false, deleteBranchOnMerge: true },
    topics: ['platform'],
  }),
  r('repository', 'svc-b', { description: 'Now described', archived: true }),
  r('label', 'svc-a/bug', { color: 'ff0000', description: 'Broken' }),
  r('label', 'svc-a/area/ci', { color: 'a2eeef', description: 'CI' }),
  // Unchanged: svc-b is archived in this step, and an archived repository is read-only.
  r('label', 'svc-b/bug', { color: 'd73a4a', description: null }),
  r('team', 'platform', { description: 'The platform team', privacy: 'closed', notifications: false, members: ['bob', 'dave'], maintainers: ['alice'] }),
  r('team', 'platform-sre', { name: 'Platform SRE', parent: null, privacy: 'secret', members: [] }),
  r('team-repository', 'platform/svc-a', { permission: 'push' }),
  r('collaborator', 'svc-a/carol', { permission: 'push' }),
  r('branch-protection', 'svc-a/main', { ...protectMain, requiredReviews: { approvals: 2 }, restrictions: { users: ['alice', 'bob'] }, allowDeletions: true }),
  r('branch-protection', 'svc-a/release/*', { requiredReviews: null, requiredStatusChecks: { checks: ['build'] } }),
  r('ruleset', 'svc-a/protect main', { ...ruleset, enforcement: 'evaluate', rules: [{ type: 'pull_request', parameters: { required_approving_review_count: 2 } }] }),
  r('org-ruleset', 'no force pushes', { ...orgRuleset, enforcement: 'active' }),
  r('environment', 'svc-a/production', { waitTimer: 5, reviewers: { users: ['bob'] }, deploymentBranches: { patterns: ['main'] } }),
  r('environment', 'svc-b/staging', { deploymentBranches: 'protected' }),
  r('variable', 'svc-a/REGION', { value: 'eu-central-1' }),
  r('org-variable', 'DEPLOY_ENV', { value: 'staging', visibility: 'selected', repositories: ['svc-a', 'svc-b'] }),
];

/** `changedModel`'s renames, through previousNames (the repository svc-a → svc-alpha carries its children). */
export const renamedModel = (): DesiredResource[] => [
  r('repository', 'svc-alpha', { description: 'Service A, renamed', topics: ['platform'] }, ['svc-a']),
  r('repository', 'svc-b', { description: 'Still B' }),
  r('label', 'svc-alpha/bug', { color: 'ff0000' }, ['svc-a/bug']),
  r('label', 'svc-alpha/area/ci', { color: 'a2eeef' }, ['svc-a/area/ci']),
  r('label', 'svc-b/defect', { color: 'd73a4a' }, ['svc-b/bug']),
  r('team', 'platform', { description: 'Platform' }),
  r('team', 'sre', { parent: 'platform', members: ['bob'] }, ['platform-sre']),
  r('team-repository', 'platform/svc-alpha', { permission: 'maintain' }, ['platform/svc-a']),
  r('collaborator', 'svc-alpha/carol', { permission: 'triage' }, ['svc-a/carol']),
  r('branch-protection', 'svc-alpha/main', protectMain, ['svc-a/main']),
  r('branch-protection', 'svc-alpha/releases/*', { requiredReviews: { approvals: 2 } }, ['svc-a/release/*']),
  r('ruleset', 'svc-alpha/protect the default branch', ruleset, ['svc-a/protect main']),
  r('org-ruleset', 'never force push', orgRuleset, ['no force pushes']),
  r('environment', 'svc-alpha/production', production, ['svc-a/production']),
  r('environment', 'svc-b/staging', { deploymentBranches: 'protected' }),
  r('variable', 'svc-alpha/AWS_REGION', { value: 'eu-west-1' }, ['svc-a/REGION']),
  r('org-variable', 'DEPLOYMENT_ENV', { value: 'prod', visibility: 'selected', repositories: ['svc-alpha'] }, ['DEPLOY_ENV']),
];
