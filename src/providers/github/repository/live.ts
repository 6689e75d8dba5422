import { compact } from '../shared/fields.js';
import type { Repository } from './schema.js';

/** The fields of GitHub's REST repository object that the spec covers. */
export interface RestRepository {
  name: string;
  node_id?: string;
  description?: string | null;
  homepage?: string | null;
  visibility?: string;
  private?: boolean;
  has_issues?: boolean;
  has_projects?: boolean;
  has_wiki?: boolean;
  has_discussions?: boolean;
  allow_merge_commit?: boolean;
  allow_squash_merge?: boolean;
  allow_rebase_merge?: boolean;
  allow_auto_merge?: boolean;
  delete_branch_on_merge?: boolean;
  default_branch?: string;
  archived?: boolean;
  topics?: string[];
}

/** The same fields as GitHub's GraphQL `Repository`, as the bulk query selects them. */
export interface GraphqlRepository {
  id: string;
  name: string;
  description: string | null;
  homepageUrl: string | null;
  visibility: 'PUBLIC' | 'PRIVATE' | 'INTERNAL';
  isArchived: boolean;
  hasIssuesEnabled: boolean;
  hasProjectsEnabled: boolean;
  hasWikiEnabled: boolean;
  hasDiscussionsEnabled: boolean;
  mergeCommitAllowed: boolean;
  squashMergeAllowed: boolean;
  rebaseMergeAllowed: boolean;
  autoMergeAllowed: boolean;
  deleteBranchOnMerge: boolean;
  defaultBranchRef: { name: string } | null;
  repositoryTopics: { nodes: Array<{ topic: { name: string } }> };
}

export const REPOSITORY_FIELDS = /* GraphQL */ `
  id name description homepageUrl visibility isArchived
  hasIssuesEnabled hasProjectsEnabled hasWikiEnabled hasDiscussionsEnabled
  mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed autoMergeAllowed deleteBranchOnMerge
  defaultBranchRef { name }
  repositoryTopics(first: 20) { nodes { topic { name } } }
`;

const topics = (names: string[] | undefined) => (names ? [...new Set(names.map((t) => t.toLowerCase()))].sort() : undefined);

/**
 * A REST repository as a spec, shaped exactly like the schema's output. Fields GitHub leaves
 * out (the merge settings need admin access) stay out, so they show as unknown, not false.
 */
export function repositoryFromRest(repo: RestRepository): Repository {
  return compact({
    description: repo.description === undefined ? undefined : (repo.description ?? ''),
    homepage: repo.homepage === undefined ? undefined : (repo.homepage ?? ''),
    visibility: (repo.visibility ?? (repo.private === undefined ? undefined : repo.private ? 'private' : 'public')) as Repository['visibility'],
    features: {
      issues: repo.has_issues,
      projects: repo.has_projects,
      wiki: repo.has_wiki,
      discussions: repo.has_discussions,
    },
    merge: {
      allowMergeCommit: repo.allow_merge_commit,
      allowSquashMerge: repo.allow_squash_merge,
      allowRebaseMerge: repo.allow_rebase_merge,
      allowAutoMerge: repo.allow_auto_merge,
      deleteBranchOnMerge: repo.delete_branch_on_merge,
    },
    defaultBranch: repo.default_branch,
    archived: repo.archived,
    topics: topics(repo.topics),
  });
}

/** A GraphQL repository as a spec. `defaultBranch` is left out when the repository is empty. */
export function repositoryFromGraphql(repo: GraphqlRepository): Repository {
  return compact({
    description: repo.description ?? '',
    homepage: repo.homepageUrl ?? '',
    visibility: repo.visibility.toLowerCase() as Repository['visibility'],
    features: {
      issues: repo.hasIssuesEnabled,
      projects: repo.hasProjectsEnabled,
      wiki: repo.hasWikiEnabled,
      discussions: repo.hasDiscussionsEnabled,
    },
    merge: {
      allowMergeCommit: repo.mergeCommitAllowed,
      allowSquashMerge: repo.squashMergeAllowed,
      allowRebaseMerge: repo.rebaseMergeAllowed,
      allowAutoMerge: repo.autoMergeAllowed,
      deleteBranchOnMerge: repo.deleteBranchOnMerge,
    },
    defaultBranch: repo.defaultBranchRef?.name,
    archived: repo.isArchived,
    topics: topics(repo.repositoryTopics.nodes.map((n) => n.topic.name)),
  });
}

/**
 * The REST body for the fields of a partial spec that `PATCH /repos/{owner}/{repo}` (and,
 * without `default_branch`, `POST /orgs/{org}/repos`) take. Topics, archiving and
 * discussions have their own calls.
 */
export function restBody(spec: Partial<Repository>): Record<string, unknown> {
  return compact({
    description: spec.description,
    homepage: spec.homepage,
    visibility: spec.visibility,
    has_issues: spec.features?.issues,
    has_projects: spec.features?.projects,
    has_wiki: spec.features?.wiki,
    allow_merge_commit: spec.merge?.allowMergeCommit,
    allow_squash_merge: spec.merge?.allowSquashMerge,
    allow_rebase_merge: spec.merge?.allowRebaseMerge,
    allow_auto_merge: spec.merge?.allowAutoMerge,
    delete_branch_on_merge: spec.merge?.deleteBranchOnMerge,
    default_branch: spec.defaultBranch,
  });
}
