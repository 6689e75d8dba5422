import type { GitHubContext } from '../kind.js';

interface GraphqlResponseErrorShape {
  name: string;
  data?: unknown;
  errors?: Array<{ type?: string; path?: Array<string | number> }>;
}

/**
 * A query whose aliased lookups may name things that do not exist (a user, a repository):
 * GitHub answers those with a NOT_FOUND error next to the data it found. Those come back as
 * null fields; any other error is thrown as usual.
 */
export async function graphqlAllowingMissing<T>(ctx: GitHubContext, query: string, variables: Record<string, unknown>): Promise<T> {
  try {
    return await ctx.api.graphql<T>(query, variables);
  } catch (error) {
    const e = error as GraphqlResponseErrorShape;
    if (e?.name === 'GraphqlResponseError' && e.data && e.errors?.every((x) => x.type === 'NOT_FOUND')) return e.data as T;
    throw error;
  }
}
