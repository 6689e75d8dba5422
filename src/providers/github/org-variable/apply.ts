import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { statusOf } from '../shared/errors.js';
import { compact, specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { deleteIfPresent, neitherExists, writeTo } from '../shared/write.js';
import type { OrgVariable } from './schema.js';

const ONE = '/orgs/{org}/actions/variables/{name}';

async function repositoryIds(ctx: GitHubContext, change: Change, names: string[] | undefined): Promise<number[] | undefined> {
  if (names === undefined) return undefined;
  return Promise.all(
    names.map(async (name) => {
      const repo = await ctx.lookups.repository(name);
      if (!repo) throw new RejectedError(`${resourceKey(change)}: repository "${name}" does not exist in ${ctx.org}.`, { resource: resourceKey(change) });
      return repo.id;
    }),
  );
}

async function body(ctx: GitHubContext, change: Change, spec: Partial<OrgVariable>): Promise<Record<string, unknown>> {
  return compact({ value: spec.value, visibility: spec.visibility, selected_repository_ids: await repositoryIds(ctx, change, spec.repositories) });
}

async function patch(ctx: GitHubContext, change: Change, name: string, spec: Partial<OrgVariable>): Promise<void> {
  await writeTo(ctx, change, `PATCH ${ONE}`, { org: ctx.org, name, ...(await body(ctx, change, spec)) });
}

export async function applyOrgVariable(change: Change, ctx: GitHubContext): Promise<void> {
  const desired = change.desired as OrgVariable | undefined;
  switch (change.action) {
    case 'create': {
      // GitHub requires a visibility; without one, the narrowest: private repositories only.
      const spec = { ...desired!, visibility: desired!.visibility ?? 'private' };
      try {
        await writeTo(ctx, change, 'POST /orgs/{org}/actions/variables', { org: ctx.org, name: change.name, ...(await body(ctx, change, spec)) });
      } catch (error) {
        if (statusOf(error) !== 409 && statusOf(error) !== 422) throw error;
        await patch(ctx, change, change.name, spec);
      }
      return;
    }
    case 'update':
      return patch(ctx, change, change.name, specFromFields<OrgVariable>(change.fields));
    case 'rename': {
      const spec = specFromFields<OrgVariable>(change.fields);
      try {
        // `name` is both the path parameter (old) and a body field (new): the body goes as `data`.
        await writeTo(ctx, change, `PATCH ${ONE}`, { org: ctx.org, name: change.fromName!, data: { name: change.name, ...(await body(ctx, change, spec)) } });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        try {
          await patch(ctx, change, change.name, spec);
        } catch (again) {
          if (statusOf(again) === 404) throw neitherExists(change, `in ${ctx.org}`);
          throw again;
        }
      }
      return;
    }
    case 'delete':
      return deleteIfPresent(ctx, change, `DELETE ${ONE}`, { org: ctx.org, name: change.name });
    case 'noop':
      return;
  }
}
