import { readError } from '../../../core/errors.js';
import type { ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import type { Fetched } from '../shared/conditional.js';
import { readFailure } from '../shared/errors.js';
import { mapLimit } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { caseMismatch, sameName } from '../shared/names.js';
import { repositoryFromRest, type RestRepository } from './live.js';

/** GET one repository; undefined when it does not exist under exactly this name. */
export async function getRepository(ctx: GitHubContext, name: string): Promise<Fetched<RestRepository> | undefined> {
  const got = await ctx.api.get<RestRepository>('GET /repos/{owner}/{repo}', { owner: ctx.org, repo: name });
  // A renamed repository's old name redirects to the new one: that is not this resource.
  if (!got || got.redirected || !sameName(got.data.name, name)) return undefined;
  if (got.data.node_id) ctx.repositoryIds.set(got.data.name.toLowerCase(), got.data.node_id);
  return got;
}

/** One conditional GET per repository (304s are free). */
export async function readRepositories(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  const asked = new Set(refs.map((r) => r.name));
  return mapLimit(refs, ctx.readConcurrency, async (ref): Promise<ReadResult> => {
    try {
      const got = await getRepository(ctx, ref.name);
      if (!got) return { ref };
      if (got.data.name !== ref.name) {
        const verdict = caseMismatch('repository', ref.name, got.data.name, asked);
        return verdict === 'absent' ? { ref } : { ref, error: readError('conflict', verdict) };
      }
      return { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: repositoryFromRest(got.data) } };
    } catch (error) {
      return { ref, error: readFailure(error, resourceKey(ref)) };
    }
  });
}
