import type { GitHubClient, RepoRef } from './client.js';
import type { CommitRef } from './compare.js';
import { statusOf } from './errors.js';

/** A pull request merged as the head commit, with its latest comments (to edit Converge's own in place). */
export interface MergedPull {
  number: number;
  title: string;
  comments: Array<{ id: number; body: string }>;
}

export interface BranchHead extends CommitRef {
  tree: string;
  /** Pull requests merged as this commit; only when asked for. */
  pulls: MergedPull[];
}

/** Comments of a merged PR looked at for Converge's own: it writes its one soon after the merge. */
const RECENT_COMMENTS = 30;

const HEAD = /* GraphQL */ `
  query ConvergeHead($owner: String!, $repo: String!, $withPulls: Boolean!, $comments: Int!) {
    repository(owner: $owner, name: $repo) {
      defaultBranchRef {
        target {
          ... on Commit {
            oid
            tree { oid }
            associatedPullRequests(first: 5) @include(if: $withPulls) {
              nodes { number title merged mergeCommit { oid } comments(last: $comments) { nodes { databaseId body } } }
            }
          }
        }
      }
    }
  }
`;

interface HeadAnswer {
  repository: {
    defaultBranchRef: {
      target: {
        oid?: string;
        tree?: { oid: string };
        associatedPullRequests?: {
          nodes: Array<{ number: number; title: string; merged: boolean; mergeCommit: { oid: string } | null; comments: { nodes: Array<{ databaseId: number | null; body: string }> } }>;
        };
      } | null;
    } | null;
  } | null;
}

/**
 * The commit the config repo's default branch points at now, and its tree, in one query;
 * with `withPulls`, also the pull requests merged as it and their latest comments. Undefined
 * for an empty repository (no default branch yet).
 */
export async function defaultBranchHead(client: GitHubClient, ref: RepoRef, options: { withPulls?: boolean } = {}): Promise<BranchHead | undefined> {
  const answer = await client.graphql<HeadAnswer>(HEAD, { owner: ref.owner, repo: ref.repo, withPulls: options.withPulls ?? false, comments: RECENT_COMMENTS });
  const target = answer.repository?.defaultBranchRef?.target;
  if (!target?.oid || !target.tree) return undefined;
  const merged = (target.associatedPullRequests?.nodes ?? []).filter((pull) => pull.merged && pull.mergeCommit?.oid === target.oid);
  return {
    sha: target.oid,
    tree: target.tree.oid,
    pulls: merged.map((pull) => ({
      number: pull.number,
      title: pull.title,
      comments: pull.comments.nodes.flatMap((c) => (c.databaseId === null ? [] : [{ id: c.databaseId, body: c.body }])),
    })),
  };
}

/** One file's text on the default branch; undefined when it does not exist there. */
export async function defaultBranchFile(client: GitHubClient, ref: RepoRef, path: string): Promise<string | undefined> {
  try {
    // No `ref`: GitHub answers from the default branch.
    const { data } = await client.rest.repos.getContent({ owner: ref.owner, repo: ref.repo, path, mediaType: { format: 'raw' } });
    return typeof data === 'string' ? data : '';
  } catch (thrown) {
    if (statusOf(thrown) === 404) return undefined;
    throw thrown;
  }
}

/** The permission GitHub gives `username` on the repository (`admin`, `write`, `read`, `none`, ...). */
export async function repositoryPermission(client: GitHubClient, ref: RepoRef, username: string): Promise<string> {
  const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ owner: ref.owner, repo: ref.repo, username });
  return data.permission;
}
