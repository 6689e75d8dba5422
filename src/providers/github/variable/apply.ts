import type { Change } from '../../../core/plan-types.js';
import { statusOf } from '../shared/errors.js';
import { specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import type { Variable } from './schema.js';
import { childOf, deleteIfPresent, neitherExists, writeTo } from '../shared/write.js';

const ONE = '/repos/{owner}/{repo}/actions/variables/{name}';

async function patch(ctx: GitHubContext, change: Change, repo: string, name: string, body: Record<string, unknown>): Promise<void> {
  await writeTo(ctx, change, `PATCH ${ONE}`, { owner: ctx.org, repo, name, ...body });
}

export async function applyVariable(change: Change, ctx: GitHubContext): Promise<void> {
  const { parent: repo, child: name } = childOf(change);
  // Creating needs the value; updates and renames write only what changed (ignoreFields hold).
  const value = change.action === 'create' ? (change.desired as Variable).value : specFromFields<Variable>(change.fields).value;
  switch (change.action) {
    case 'create':
      try {
        await writeTo(ctx, change, 'POST /repos/{owner}/{repo}/actions/variables', { owner: ctx.org, repo, name, value });
      } catch (error) {
        // Created by an earlier apply: set its value instead.
        if (statusOf(error) !== 409 && statusOf(error) !== 422) throw error;
        await patch(ctx, change, repo, name, { value });
      }
      return;
    case 'update':
      return patch(ctx, change, repo, name, { value });
    case 'rename': {
      // Variables never move between repositories: a changed repository part means the
      // repository itself was renamed (earlier in the run), so the old variable is under the new name.
      const from = childOf(change, change.fromName!).child;
      try {
        // `name` is both the path parameter (old) and a body field (new): the body goes as `data`.
        await writeTo(ctx, change, `PATCH ${ONE}`, { owner: ctx.org, repo, name: from, data: { name, value } });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        try {
          await patch(ctx, change, repo, name, { value });
        } catch (again) {
          if (statusOf(again) === 404) throw neitherExists(change, `in repository "${repo}"`);
          throw again;
        }
      }
      return;
    }
    case 'delete':
      return deleteIfPresent(ctx, change, `DELETE ${ONE}`, { owner: ctx.org, repo, name });
    case 'noop':
      return;
  }
}
