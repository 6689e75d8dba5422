import type { ProbotOctokit } from 'probot';

/**
 * An Octokit authenticated as one installation, with its base URL already honouring GHE_HOST.
 * The app's own calls (check runs, comments, issues, the config repo) and the github target
 * provider both take this client.
 */
export type GitHubClient = InstanceType<typeof ProbotOctokit>;

/** A repository the app reports to or reads (the config repo). */
export interface RepoRef {
  owner: string;
  repo: string;
}
