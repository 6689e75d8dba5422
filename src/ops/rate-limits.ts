import type { GitHubClient } from '../github-app/client.js';
import { rateLimitRemaining } from './metrics.js';

type Headers = Record<string, string | number | undefined>;

const observed = new WeakSet<object>();

function record(headers: Headers | undefined, installation: string): void {
  const remaining = Number(headers?.['x-ratelimit-remaining']);
  const resource = headers?.['x-ratelimit-resource'];
  // GitHub names the bucket in x-ratelimit-resource (core, graphql, search, ...); a response
  // without both headers (a 304 from a proxy, a GHES with rate limits off) says nothing.
  if (typeof resource !== 'string' || !/^[a-z_]+$/.test(resource) || !Number.isFinite(remaining)) return;
  rateLimitRemaining.set({ resource, installation }, remaining);
}

/**
 * Keep `converge_github_rate_limit_remaining` current from every response this client gets,
 * errors included (a 403 for an exhausted limit carries the headers too). Idempotent per
 * client. `installation` labels the series: each installation has its own limit; the app's
 * own client (JWT) is `app`.
 */
export function observeRateLimits<T extends GitHubClient>(octokit: T, options: { installation?: number } = {}): T {
  if (observed.has(octokit)) return octokit;
  observed.add(octokit);
  const installation = options.installation === undefined ? 'app' : String(options.installation);
  octokit.hook.after('request', (response) => record(response.headers as Headers, installation));
  octokit.hook.error('request', (error) => {
    const response = (error as { response?: { headers?: Headers } }).response;
    record(response?.headers, installation);
    throw error;
  });
  return octokit;
}
