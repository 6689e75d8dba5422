import { readError, readErrorOf } from '../../../core/errors.js';
import type { ReadFailure } from '../../../core/plan-types.js';
import type { ReadAllResult, ReadResult } from '../../../core/provider.js';
import { resourceKey, type ActualResource, type ResourceRef } from '../../../core/resource.js';
import { readFailure, toGitHubError } from './errors.js';
import { mapLimit } from './fields.js';
import type { GitHubContext } from '../kind.js';
import { repositoryNames } from './lists.js';
import { caseMismatch, splitChildName } from './names.js';
import { pushTo } from '../../../core/collections.js';

/** How a kind named `<parent>/<child>` lists a parent's children (one list call per parent). */
export interface ChildLister<Live> {
  /** What a child is called in messages: `environment`, `variable`. */
  noun: string;
  /** Every live child of one parent; undefined when the parent does not exist. */
  list(parent: string, ctx: GitHubContext): Promise<Live[] | undefined>;
  /** The child's name as GitHub spells it. */
  key(live: Live): string;
  spec(live: Live, parent: string, ctx: GitHubContext): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** Targeted reads: the refs grouped by parent, one list per parent, however many children. */
export async function readChildren<Live>(refs: ResourceRef[], ctx: GitHubContext, lister: ChildLister<Live>): Promise<ReadResult[]> {
  const byParent = new Map<string, Array<{ ref: ResourceRef; child: string }>>();
  const results: ReadResult[] = [];
  for (const ref of refs) {
    const parts = splitChildName(ref.name);
    if (!parts) results.push({ ref, error: readError('configuration', `${resourceKey(ref)}: not a name of the form <parent>/<${lister.noun}>.`) });
    else pushTo(byParent, parts.parent, { ref, child: parts.child });
  }
  const groups = await mapLimit([...byParent], ctx.readConcurrency, async ([parent, wanted]): Promise<ReadResult[]> => {
    try {
      const live = await lister.list(parent, ctx);
      if (!live) return wanted.map(({ ref }) => ({ ref }));
      const exact = new Map(live.map((l) => [lister.key(l), l]));
      const folded = new Map(live.map((l) => [lister.key(l).toLowerCase(), l]));
      const asked = new Set(wanted.map((w) => w.child));
      return await Promise.all(
        wanted.map(async ({ ref, child }): Promise<ReadResult> => {
          const found = exact.get(child);
          if (found) return { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: await lister.spec(found, parent, ctx) } };
          const other = folded.get(child.toLowerCase());
          if (!other) return { ref };
          const verdict = caseMismatch(lister.noun, child, lister.key(other), asked);
          return verdict === 'absent' ? { ref } : { ref, error: readError('conflict', `${resourceKey(ref)}: ${verdict}`) };
        }),
      );
    } catch (error) {
      return wanted.map(({ ref }) => ({ ref, error: readFailure(error, resourceKey(ref)) }));
    }
  });
  return [...results, ...groups.flat()];
}

/**
 * Full runs for a kind that only REST lists: one list per repository of the org (each a
 * conditional GET, so an unchanged repository costs a free 304). A repository whose list
 * fails (a 403 on its rulesets, say) fails only that repository's resources of this kind:
 * it is reported as the failure scope `<repo>/*`, which the core never turns into creates,
 * deletes or drift, while every other repository is read as usual.
 */
export async function readChildrenOfEveryRepository<Live>(kind: string, ctx: GitHubContext, lister: ChildLister<Live>): Promise<ReadAllResult> {
  const repos = await repositoryNames(ctx);
  const failures: ReadFailure[] = [];
  const perRepo = await mapLimit(repos, ctx.readConcurrency, async (repo): Promise<ActualResource[]> => {
    try {
      const live = (await lister.list(repo, ctx)) ?? [];
      return await Promise.all(
        live.map(async (l) => ({ kind, target: ctx.target, name: `${repo}/${lister.key(l)}`, spec: await lister.spec(l, repo, ctx) })),
      );
    } catch (error) {
      const scope = { kind, target: ctx.target, name: `${repo}/*` };
      const failure = toGitHubError(error, resourceKey(scope), 'read');
      // A rate limit hits every repository alike: the whole run waits and retries instead.
      if (failure.code === 'rate-limited') throw failure;
      failures.push({ ...scope, ...readErrorOf(failure) });
      return [];
    }
  });
  return { resources: perRepo.flat(), failures };
}
