import type { Logger } from 'pino';
import type { GitHubDeps } from './github/index.js';

export type { GitHubClient } from '../github-app/client.js';

/** What the host process itself gives every provider. */
export interface HostDeps {
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
}

/**
 * What the host hands every provider when it connects a target: its own deps, plus each
 * provider's public deps type under the provider's name (absent when the host has none to
 * give, e.g. no GitHub installation). Providers take what they need; the engine never looks
 * inside.
 */
export interface ProviderDeps extends HostDeps {
  github?: GitHubDeps;
}
