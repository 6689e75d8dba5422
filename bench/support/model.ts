/**
 * The synthetic org every benchmark uses: repositories with GitHub's nine default labels,
 * declared one repository per file in a config repo, and the same state seeded live.
 */
import type { ActualResource } from '../../src/core/resource.js';

export const ORG = 'acme';
export const CONFIG_REPO = 'converge-config';

/** GitHub's default labels, as every new repository gets them. */
export const LABELS: ReadonlyArray<{ name: string; color: string; description: string }> = [
  { name: 'bug', color: 'd73a4a', description: "Something isn't working" },
  { name: 'documentation', color: '0075ca', description: 'Improvements or additions to documentation' },
  { name: 'duplicate', color: 'cfd3d7', description: 'This issue or pull request already exists' },
  { name: 'enhancement', color: 'a2eeef', description: 'New feature or request' },
  { name: 'good first issue', color: '7057ff', description: 'Good for newcomers' },
  { name: 'help wanted', color: '008672', description: 'Extra attention is needed' },
  { name: 'invalid', color: 'e4e669', description: "This doesn't seem right" },
  { name: 'question', color: 'd876e3', description: 'Further information is requested' },
  { name: 'wontfix', color: 'ffffff', description: 'This will not be worked on' },
];

export const repoName = (i: number) => `svc-${String(i).padStart(5, '0')}`;
const team = (i: number) => `team-${i % 40}`;

/** Whether the github provider has branch protection (it is being added while this is written). */
export const hasBranchProtection = (kinds: readonly { kind: string }[]) => kinds.some((k) => k.kind === 'github.branch-protection');

/** Resources one repository file declares: the repository, its labels, and `main`'s protection rule. */
export const resourcesPerRepo = (protection: boolean) => 1 + LABELS.length + (protection ? 1 : 0);

export const SETTINGS_YAML = `# Benchmark config repo: the config repo itself is not managed.
providers:
  github: {}
schedule:
  enabled: false
scope:
  github.repository:
    exclude: [${CONFIG_REPO}]
`;

/** `changed` is the one edit the delta benchmark makes: a new description and one label colour. */
export function repositoryYaml(i: number, protection: boolean, changed = false): string {
  const name = repoName(i);
  const docs = [
    `kind: github.repository
name: ${name}
owners: ["@${ORG}/${team(i)}"]
spec:
  description: "${changed ? `Service ${i}, now with a changed description` : `Service ${i}`}"
  topics: [${team(i)}, service]
  features:
    wiki: false
  merge:
    deleteBranchOnMerge: true
`,
    ...LABELS.map(
      (label, n) => `kind: github.label
name: ${name}/${label.name}
spec:
  color: "${changed && n === 0 ? 'b60205' : label.color}"
  description: "${label.description}"
`,
    ),
    ...(protection
      ? [
          `kind: github.branch-protection
name: ${name}/main
spec:
  requiredReviews:
    approvals: 1
    dismissStaleReviews: true
  requiredStatusChecks:
    strict: true
    checks: [ci/build]
  allowForcePushes: false
`,
        ]
      : []),
  ];
  return docs.join('---\n');
}

export const repositoryPath = (i: number) => `repos/${repoName(i)}.yml`;

/** The config repo's files: converge.yml and one file per repository. */
export function configFiles(repositories: number, protection: boolean): Map<string, string> {
  const files = new Map<string, string>([['converge.yml', SETTINGS_YAML]]);
  for (let i = 0; i < repositories; i++) files.set(repositoryPath(i), repositoryYaml(i, protection));
  return files;
}

/** The fake's record of `main`'s protection rule, as the file declares it. */
export const PROTECTION_SEED = {
  pattern: 'main',
  requiresApprovingReviews: true,
  requiredApprovingReviewCount: 1,
  dismissesStaleReviews: true,
  requiresStatusChecks: true,
  requiresStrictStatusChecks: true,
  requiredStatusChecks: [{ context: 'ci/build', appId: null }],
  allowsForcePushes: false,
};

/** What GitHub holds for repository `i` when it matches its file (the fake's seed fields). */
export function liveRepositorySeed(i: number) {
  return {
    name: repoName(i),
    description: `Service ${i}`,
    topics: ['service', team(i)].sort(),
    has_wiki: false,
    delete_branch_on_merge: true,
    labels: LABELS.map((l) => ({ ...l })),
  };
}

/**
 * Live state as a provider reports it (full specs, every field), for the engine benchmark.
 * Every `driftEvery`-th repository has a hand-edited description and a recoloured label.
 */
export function liveResources(repositories: number, protection: boolean, driftEvery: number): ActualResource[] {
  const out: ActualResource[] = [];
  for (let i = 0; i < repositories; i++) {
    const name = repoName(i);
    const drifted = driftEvery > 0 && i % driftEvery === 0;
    out.push({
      kind: 'github.repository',
      target: 'default',
      name,
      spec: {
        description: drifted ? 'edited by hand' : `Service ${i}`,
        homepage: '',
        visibility: 'public',
        features: { issues: true, projects: true, wiki: false, discussions: false },
        merge: { allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: true, allowAutoMerge: false, deleteBranchOnMerge: true },
        defaultBranch: 'main',
        archived: false,
        topics: ['service', team(i)].sort(),
      },
    });
    LABELS.forEach((label, n) => {
      out.push({
        kind: 'github.label',
        target: 'default',
        name: `${name}/${label.name}`,
        spec: { color: drifted && n === 1 ? '000000' : label.color, description: label.description },
      });
    });
    if (protection) {
      out.push({
        kind: 'github.branch-protection',
        target: 'default',
        name: `${name}/main`,
        spec: {
          requiredReviews: { approvals: 1, dismissStaleReviews: true, requireCodeOwnerReviews: false, requireLastPushApproval: false },
          requiredStatusChecks: { strict: true, checks: [{ context: 'ci/build' }] },
          enforceAdmins: false,
          restrictions: null,
          requireLinearHistory: false,
          allowForcePushes: false,
          allowDeletions: false,
          requireConversationResolution: false,
        },
      });
    }
  }
  return out;
}
