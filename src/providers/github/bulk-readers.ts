import { pushTo } from '../../core/collections.js';
import type { BulkRead, BulkReader, GitHubKind } from './kind.js';

/**
 * One reader per distinct bulk read, yielding every kind that names it, in the order the kinds
 * first name it. The repository kind comes first, so its GraphQL query also lists the
 * repository names the per-repository REST reads walk (otherwise they list them once more).
 */
export function bulkReadersOf(kinds: readonly GitHubKind<any>[]): BulkReader[] {
  const yielded = new Map<BulkRead, string[]>();
  for (const kind of kinds) pushTo(yielded, kind.bulkRead, kind.kind);
  return [...yielded].map(([read, names]) => ({ kinds: names, readAll: (wanted, ctx) => read.readAll(wanted, ctx) }));
}
