import type { ProbotOctokit } from 'probot';
import type { Logger } from 'pino';

/** An Octokit authenticated as one installation, with its base URL already honouring GHE_HOST. */
export type GitHubClient = InstanceType<typeof ProbotOctokit>;

/**
 * What the host process hands every provider when it connects a target. Providers take
 * what they need; the engine never looks inside.
 */
export interface ProviderDeps {
  /** The installation's client and the org (owner) the config repo lives in. */
  github?: { client: GitHubClient; owner: string };
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
}
