import type { ReadResult } from '../../../core/provider.js';
import type { ResourceRef } from '../../../core/resource.js';
import { readChildren, readChildrenOfEveryRepository, type ChildLister } from '../shared/children.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { listWrapped } from '../shared/lists.js';

export interface LiveVariable {
  name: string;
  value: string;
}

/** GitHub pages Actions variables 30 at a time at most. */
export const VARIABLES_PER_PAGE = 30;

const variables: ChildLister<LiveVariable> = {
  noun: 'variable',
  list: (repo, ctx) => listWrapped<LiveVariable>(ctx, 'GET /repos/{owner}/{repo}/actions/variables', { owner: ctx.org, repo }, 'variables', VARIABLES_PER_PAGE),
  key: (v) => v.name,
  spec: (v) => ({ value: v.value }),
};

/** One list per repository involved (values are in the list), not one GET per variable. */
export function readVariables(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  return readChildren(refs, ctx, variables);
}

export const repositoryVariables: BulkRead = {
  readAll: (_kinds, ctx) => readChildrenOfEveryRepository('github.variable', ctx, variables),
};
