import type { GitHubClient, RepoRef } from './client.js';

/** GitHub's compare API lists at most this many files; a list this long may be cut. */
export const COMPARE_FILE_LIMIT = 300;

/** A commit and, where GitHub named it, its root tree (the snapshot cache's key). */
export interface CommitRef {
  sha: string;
  tree?: string | undefined;
}

/** A file the compare API lists as changed. */
export interface ComparedFile {
  filename: string;
  status: string;
  previous_filename?: string | undefined;
}

export interface Comparison {
  /** The commit the head branched from (for a PR: the merge base with its base branch). */
  mergeBase: CommitRef;
  head: CommitRef;
  /** Files changed from the merge base to head; undefined when GitHub's list may be cut. */
  files: ComparedFile[] | undefined;
}

/** One request: the merge base of two commits, both trees, and the files between them. */
export async function compareCommits(client: GitHubClient, ref: RepoRef, base: string, head: string): Promise<Comparison> {
  const { data } = await client.rest.repos.compareCommitsWithBasehead({ owner: ref.owner, repo: ref.repo, basehead: `${base}...${head}`, per_page: 100 });
  const files = data.files ?? [];
  // Commits are listed oldest first, so head is last when the list is complete.
  const last = data.commits.at(-1);
  const headTree = data.total_commits === data.commits.length && last?.sha === head ? last.commit.tree.sha : undefined;
  return {
    mergeBase: { sha: data.merge_base_commit.sha, tree: data.merge_base_commit.commit.tree.sha },
    head: { sha: head, tree: headTree },
    files: files.length < COMPARE_FILE_LIMIT ? files : undefined,
  };
}
