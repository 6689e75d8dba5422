import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { statusOf } from './errors.js';
import type { GitHubContext } from '../kind.js';
import { splitChildName } from './names.js';

/** The two halves of a `<parent>/<child>` change, or a RejectedError naming the resource. */
export function childOf(change: Pick<Change, 'kind' | 'target' | 'name'>, name = change.name): { parent: string; child: string } {
  const parts = splitChildName(name);
  if (!parts) {
    const resource = resourceKey(change);
    throw new RejectedError(`${resource}: "${name}" is not of the form <parent>/<name>.`, { resource });
  }
  return parts;
}

/**
 * A paced write that must not land on a renamed repository's redirect: a 3xx throws
 * (`api.write`), and the session reports it for this change, never as done.
 */
export async function writeTo<T = unknown>(ctx: GitHubContext, _change: Change, route: string, params: Record<string, unknown>): Promise<T> {
  const response = await ctx.api.write<T>(route, params);
  return response.data;
}

/** Deleting what is already gone is done. */
export async function deleteIfPresent(ctx: GitHubContext, change: Change, route: string, params: Record<string, unknown>): Promise<void> {
  try {
    await writeTo(ctx, change, route, params);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

/** The RejectedError of a rename whose old and new names are both missing. */
export function neitherExists(change: Change, where: string): RejectedError {
  const resource = resourceKey(change);
  return new RejectedError(`${resource}: cannot rename from "${change.fromName}": neither it nor "${change.name}" exists ${where}.`, { resource });
}

/**
 * Kinds GitHub moves with their repository (collaborators, environments): `previousNames`
 * can only follow the repository's rename, never move the resource to another name.
 */
export function requireParentRename(change: Change, noun: string): void {
  if (childOf(change, change.fromName!).child === childOf(change).child) return;
  const resource = resourceKey(change);
  throw new RejectedError(`${resource}: a ${noun} cannot be renamed; previousNames on it only follow a rename of its repository.`, { resource });
}
