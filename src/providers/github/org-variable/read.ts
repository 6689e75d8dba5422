import type { ReadAllResult, ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import { readFailure } from '../shared/errors.js';
import { compact, mapLimit } from '../shared/fields.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { listWrapped } from '../shared/lists.js';
import { VARIABLES_PER_PAGE } from '../variable/read.js';
import type { OrgVariable } from './schema.js';

interface LiveOrgVariable {
  name: string;
  value: string;
  visibility: 'all' | 'private' | 'selected';
}

async function listOrgVariables(ctx: GitHubContext): Promise<LiveOrgVariable[]> {
  return (await listWrapped<LiveOrgVariable>(ctx, 'GET /orgs/{org}/actions/variables', { org: ctx.org }, 'variables', VARIABLES_PER_PAGE)) ?? [];
}

/** Only a `selected` variable costs one more list: its repositories. */
async function specOf(ctx: GitHubContext, live: LiveOrgVariable): Promise<OrgVariable> {
  let repositories: string[] | undefined;
  if (live.visibility === 'selected') {
    const repos = await listWrapped<{ name: string }>(ctx, 'GET /orgs/{org}/actions/variables/{name}/repositories', { org: ctx.org, name: live.name }, 'repositories');
    repositories = [...new Set((repos ?? []).map((r) => r.name))].sort();
  }
  return compact({ value: live.value, visibility: live.visibility, repositories });
}

export async function readOrgVariables(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  let live: LiveOrgVariable[];
  try {
    live = await listOrgVariables(ctx);
  } catch (error) {
    return refs.map((ref) => ({ ref, error: readFailure(error, resourceKey(ref)) }));
  }
  return orgVariablesFrom(refs, ctx, live);
}

/** One list for the org (values included); only `selected` ones cost a repository list. */
function orgVariablesFrom(refs: ResourceRef[], ctx: GitHubContext, variables: LiveOrgVariable[]): Promise<ReadResult[]> {
  const live = new Map(variables.map((v) => [v.name, v]));
  return mapLimit(refs, ctx.readConcurrency, async (ref): Promise<ReadResult> => {
    const found = live.get(ref.name);
    if (!found) return { ref };
    try {
      return { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: await specOf(ctx, found) } };
    } catch (error) {
      return { ref, error: readFailure(error, resourceKey(ref)) };
    }
  });
}

export const orgVariables: BulkRead = {
  async readAll(_kinds, ctx): Promise<ReadAllResult> {
    const live = await listOrgVariables(ctx);
    const results = await orgVariablesFrom(live.map((v) => ({ kind: 'github.org-variable', target: ctx.target, name: v.name })), ctx, live);
    return {
      resources: results.flatMap((r) => (r.actual ? [r.actual] : [])),
      failures: results.flatMap((r) => (r.error !== undefined ? [{ ...r.ref, ...r.error }] : [])),
    };
  },
};
