import type { Fetched } from './conditional.js';
import { nextLink } from './conditional.js';
import { RetryableError } from '../../../core/errors.js';
import type { GitHubContext } from '../kind.js';

/**
 * Every page of a list GitHub wraps in an object (`{ total_count, environments: [...] }`),
 * each page a conditional GET. Undefined when the parent is missing (404) or the answer came
 * from a renamed repository's redirect.
 */
export async function listWrapped<T>(
  ctx: GitHubContext,
  route: string,
  params: Record<string, unknown>,
  key: string,
  perPage = 100,
): Promise<T[] | undefined> {
  const first = await ctx.api.get<Record<string, T[]>>(route, { per_page: perPage, ...params });
  if (!first || first.redirected) return undefined;
  const items = [...(first.data[key] ?? [])];
  for (let next = nextLink(first.link); next; ) {
    const page: Fetched<Record<string, T[]>> | undefined = await ctx.api.get<Record<string, T[]>>(`GET ${next}`);
    if (!page) throw new RetryableError(`GitHub stopped answering a list halfway (${route}).`);
    items.push(...(page.data[key] ?? []));
    next = nextLink(page.link);
  }
  return items;
}

/** A plain list (`[...]`); undefined when the parent is missing or redirects elsewhere. */
export async function listAll<T>(ctx: GitHubContext, route: string, params: Record<string, unknown>): Promise<T[] | undefined> {
  const list = await ctx.api.list<T>(route, params);
  return !list || list.redirected ? undefined : list.data;
}

/**
 * The org's repository names: from the bulk GraphQL read when it ran in this session,
 * otherwise one conditional REST list (100 per page).
 */
export async function repositoryNames(ctx: GitHubContext): Promise<string[]> {
  if (ctx.repositoryNames) return ctx.repositoryNames;
  const list = await ctx.api.list<{ name: string }>('GET /orgs/{org}/repos', { org: ctx.org, type: 'all', sort: 'full_name' });
  ctx.repositoryNames = (list?.data ?? []).map((r) => r.name);
  return ctx.repositoryNames;
}
