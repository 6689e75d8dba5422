import { readError } from '../../../core/errors.js';
import type { ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import { readFailure } from '../errors.js';
import { mapLimit } from '../fields.js';
import type { GitHubContext } from '../kind.js';
import { splitLabelName } from '../names.js';
import { caseMismatch } from '../repository/read.js';
import { labelFromLive, type LiveLabel } from './live.js';
import { pushTo } from '../../../core/collections.js';

/** Labels of one repository; undefined when the repository does not exist under that name. */
export async function listLabels(ctx: GitHubContext, repo: string): Promise<LiveLabel[] | undefined> {
  const list = await ctx.api.list<LiveLabel>('GET /repos/{owner}/{repo}/labels', { owner: ctx.org, repo });
  return !list || list.redirected ? undefined : list.data;
}

/** One paginated list per repository involved, not one request per label. */
export async function readLabels(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  const byRepo = new Map<string, Array<{ ref: ResourceRef; label: string }>>();
  const results: ReadResult[] = [];
  for (const ref of refs) {
    const parts = splitLabelName(ref.name);
    if (!parts) {
      results.push({ ref, error: readError('configuration', `${resourceKey(ref)}: not a label name (<repository>/<label>).`) });
      continue;
    }
    pushTo(byRepo, parts.repo, { ref, label: parts.label });
  }
  const groups = await mapLimit([...byRepo], ctx.readConcurrency, async ([repo, wanted]): Promise<ReadResult[]> => {
    let labels: LiveLabel[] | undefined;
    try {
      labels = await listLabels(ctx, repo);
    } catch (error) {
      return wanted.map(({ ref }) => ({ ref, error: readFailure(error, resourceKey(ref)) }));
    }
    if (!labels) return wanted.map(({ ref }) => ({ ref }));
    const exact = new Map(labels.map((l) => [l.name, l]));
    const folded = new Map(labels.map((l) => [l.name.toLowerCase(), l]));
    const asked = new Set(wanted.map((w) => w.label));
    return wanted.map(({ ref, label }): ReadResult => {
      const live = exact.get(label);
      if (live) return { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: labelFromLive(live) } };
      const other = folded.get(label.toLowerCase());
      if (!other) return { ref };
      const verdict = caseMismatch('label', label, other.name, asked);
      return verdict === 'absent' ? { ref } : { ref, error: readError('conflict', `${resourceKey(ref)}: ${verdict}`) };
    });
  });
  return [...results, ...groups.flat()];
}
