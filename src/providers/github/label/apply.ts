import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { errorCodes, statusOf } from '../errors.js';
import { specFromFields } from '../fields.js';
import type { GitHubContext } from '../kind.js';
import { splitLabelName, type LabelName } from '../names.js';
import { labelBody } from './live.js';
import type { Label } from './schema.js';

const LABEL = 'PATCH /repos/{owner}/{repo}/labels/{name}';

function parts(name: string, resource: string): LabelName {
  const parsed = splitLabelName(name);
  if (!parsed) throw new RejectedError(`${resource}: not a label name (<repository>/<label>).`, { resource });
  return parsed;
}

/** PATCH a label found by `current`, naming it `label` (a no-op rename fixes letter case). */
async function patchLabel(ctx: GitHubContext, repo: string, current: string, label: string, body: Record<string, unknown>) {
  await ctx.api.write(LABEL, { owner: ctx.org, repo, name: current, new_name: label, ...body });
}

async function create(change: Change, ctx: GitHubContext, resource: string) {
  const { repo, label } = parts(change.name, resource);
  const body = labelBody(specFromFields<Label>(change.fields));
  try {
    await ctx.api.write('POST /repos/{owner}/{repo}/labels', { owner: ctx.org, repo, name: label, ...body });
  } catch (error) {
    // Already there (GitHub's default labels, or an earlier apply): make it match instead.
    if (statusOf(error) !== 422 || !errorCodes(error).includes('already_exists')) throw error;
    await patchLabel(ctx, repo, label, label, body);
  }
}

/**
 * The rename API keeps the label's issues and pull requests. Labels never move between
 * repositories: when the repository part changed, the repository itself was renamed (earlier
 * in the same run, repositories come first), so the label is looked up under the new name.
 */
async function rename(change: Change, ctx: GitHubContext, resource: string) {
  const from = parts(change.fromName!, resource);
  const { repo, label } = parts(change.name, resource);
  const body = labelBody(specFromFields<Label>(change.fields));
  try {
    await patchLabel(ctx, repo, from.label, label, body);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    // Already renamed by an earlier apply: then the new name exists.
    try {
      await patchLabel(ctx, repo, label, label, body);
    } catch (again) {
      if (statusOf(again) !== 404) throw again;
      throw new RejectedError(
        `${resource}: cannot rename from "${change.fromName}": neither "${from.label}" nor "${label}" exists in repository "${repo}".`,
        { resource, cause: again },
      );
    }
  }
}

async function remove(change: Change, ctx: GitHubContext, resource: string) {
  const { repo, label } = parts(change.name, resource);
  try {
    // A redirect (renamed repository) is not followed and throws: the label may live on
    // under the new name, so the delete is reported as not made, never as done.
    await ctx.api.write('DELETE /repos/{owner}/{repo}/labels/{name}', { owner: ctx.org, repo, name: label });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

export async function applyLabel(change: Change, ctx: GitHubContext): Promise<void> {
  const resource = resourceKey(change);
  switch (change.action) {
    case 'create':
      return create(change, ctx, resource);
    case 'update': {
      const { repo, label } = parts(change.name, resource);
      const body = labelBody(specFromFields<Label>(change.fields));
      await ctx.api.write(LABEL, { owner: ctx.org, repo, name: label, ...body });
      return;
    }
    case 'rename':
      return rename(change, ctx, resource);
    case 'delete':
      return remove(change, ctx, resource);
    case 'noop':
      return;
  }
}
