import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { errorCodes, statusOf } from '../shared/errors.js';
import { specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { childOf, deleteIfPresent, writeTo } from '../shared/write.js';
import { labelBody } from './live.js';
import type { Label } from './schema.js';

const LABEL = 'PATCH /repos/{owner}/{repo}/labels/{name}';

/** PATCH a label found by `current`, naming it `label` (a no-op rename fixes letter case). */
async function patchLabel(ctx: GitHubContext, change: Change, repo: string, current: string, label: string, body: Record<string, unknown>) {
  await writeTo(ctx, change, LABEL, { owner: ctx.org, repo, name: current, new_name: label, ...body });
}

async function create(change: Change, ctx: GitHubContext) {
  const { parent: repo, child: label } = childOf(change);
  const body = labelBody(specFromFields<Label>(change.fields));
  try {
    await writeTo(ctx, change, 'POST /repos/{owner}/{repo}/labels', { owner: ctx.org, repo, name: label, ...body });
  } catch (error) {
    // Already there (GitHub's default labels, or an earlier apply): make it match instead.
    if (statusOf(error) !== 422 || !errorCodes(error).includes('already_exists')) throw error;
    await patchLabel(ctx, change, repo, label, label, body);
  }
}

/**
 * The rename API keeps the label's issues and pull requests. Labels never move between
 * repositories: when the repository part changed, the repository itself was renamed (earlier
 * in the same run, repositories come first), so the label is looked up under the new name.
 */
async function rename(change: Change, ctx: GitHubContext) {
  const from = childOf(change, change.fromName!).child;
  const { parent: repo, child: label } = childOf(change);
  const body = labelBody(specFromFields<Label>(change.fields));
  try {
    await patchLabel(ctx, change, repo, from, label, body);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    // Already renamed by an earlier apply: then the new name exists.
    try {
      await patchLabel(ctx, change, repo, label, label, body);
    } catch (again) {
      if (statusOf(again) !== 404) throw again;
      const resource = resourceKey(change);
      throw new RejectedError(`${resource}: cannot rename from "${change.fromName}": neither "${from}" nor "${label}" exists in repository "${repo}".`, {
        resource,
        cause: again,
      });
    }
  }
}

export async function applyLabel(change: Change, ctx: GitHubContext): Promise<void> {
  switch (change.action) {
    case 'create':
      return create(change, ctx);
    case 'update': {
      const { parent: repo, child: label } = childOf(change);
      await writeTo(ctx, change, LABEL, { owner: ctx.org, repo, name: label, ...labelBody(specFromFields<Label>(change.fields)) });
      return;
    }
    case 'rename':
      return rename(change, ctx);
    case 'delete': {
      // A redirect (renamed repository) is not followed and throws: the label may live on
      // under the new name, so the delete is reported as not made, never as done.
      const { parent: repo, child: label } = childOf(change);
      return deleteIfPresent(ctx, change, 'DELETE /repos/{owner}/{repo}/labels/{name}', { owner: ctx.org, repo, name: label });
    }
    case 'noop':
      return;
  }
}
