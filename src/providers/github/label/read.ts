import type { ReadResult } from '../../../core/provider.js';
import type { ResourceRef } from '../../../core/resource.js';
import { readChildren, type ChildLister } from '../shared/children.js';
import type { GitHubContext } from '../kind.js';
import { listAll } from '../shared/lists.js';
import { labelFromLive, type LiveLabel } from './live.js';

/** A repository's labels, one paginated list; undefined when the repository does not exist under that name. */
const labels: ChildLister<LiveLabel> = {
  noun: 'label',
  list: (repo, ctx) => listAll<LiveLabel>(ctx, 'GET /repos/{owner}/{repo}/labels', { owner: ctx.org, repo }),
  key: (l) => l.name,
  spec: (l) => labelFromLive(l),
};

/** One paginated list per repository involved, not one request per label. */
export function readLabels(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  return readChildren(refs, ctx, labels);
}
