import type { Change } from '../../core/plan-types.js';
import type { ResourceKind } from '../../core/provider.js';
import type { ActualResource } from '../../core/resource.js';
import type { ApplyContext, Parts } from './apply.js';
import type { CatalogNeeds } from './catalog.js';
import { parseName, type KindName } from './names.js';
import type { LiveState } from './read.js';

/** Which optional catalog queries a kind's reads need (roles are always read). */
export type CatalogFlags = Partial<Pick<CatalogNeeds, 'memberships' | 'databases' | 'tables' | 'defaults'>>;

/**
 * A kind of the postgres provider: the schema half the core sees (ResourceKind) plus its name
 * layout, what it reads from one catalog snapshot and how it applies a change. Adding a kind
 * means adding one of these to the list in `kinds/index.ts`.
 */
export interface PostgresKind<Spec extends Record<string, unknown> = Record<string, unknown>> extends ResourceKind<Spec> {
  kind: KindName;
  /** Objects inside one database, reached through that database's pool and its `databases` reach. */
  inDatabase: boolean;
  /** Catalog queries its reads need; schemas of each database come with `inDatabase`. */
  needs: CatalogFlags;
  /** Every live resource of this kind in reach. */
  readAll(state: LiveState): ActualResource[];
  /** The live state of one resource the snapshot holds no row for, when absence is not "missing". */
  readMissing?(state: LiveState, parts: Parts): ActualResource | undefined;
  /** One change, idempotent; `from` is the old name's parts of a rename. */
  apply(ctx: ApplyContext, change: Change, parts: Parts, from: Parts | undefined): Promise<void>;
}

/** `validateName` from the kind's layout (names.ts). */
export function nameCheck(kind: KindName): (name: string) => string | undefined {
  return (name) => {
    const parts = parseName(kind, name);
    return typeof parts === 'string' ? parts : undefined;
  };
}
