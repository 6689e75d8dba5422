import { RULE_FIELDS, type RulePage } from '../branch-protection/graphql.js';
import type { GitHubContext } from '../kind.js';
import { LABEL_FIELDS, type LiveLabel } from '../label/live.js';
import { REPOSITORY_FIELDS, type GraphqlRepository, type RestRepository } from '../repository/live.js';
import { missingOrganization } from './errors.js';
import { mapLimit } from './fields.js';
import { graphqlAllowingMissing } from './graphql-partial.js';
import type { ListedRepository } from './live-records.js';

/** The fields of GitHub's REST listing a warm read uses. */
interface RestListed extends RestRepository {
  node_id: string;
  updated_at?: string | null;
  pushed_at?: string | null;
}

export interface LabelPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: LiveLabel[];
}

export interface RepositoryNode extends GraphqlRepository {
  /** GitHub's stamps, recorded with what the read saw (live-records.ts). */
  updatedAt?: string;
  pushedAt?: string | null;
  labels?: LabelPage | null;
  branchProtectionRules?: RulePage | null;
}

interface RepositoryPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: RepositoryNode[];
}

interface PageAnswer {
  organization: { repositories: RepositoryPage } | null;
}

interface ByIdAnswer {
  organization: { repositories: { totalCount: number } } | null;
  /** Null for an id GitHub no longer resolves; `{}` for a node that is not a repository. */
  nodes: Array<Partial<RepositoryNode> | null>;
}

/**
 * What the bulk read asks of each repository, whether it comes in a page or by id: its first
 * 100 labels and first 10 protection rules of 5 push allowances each. GitHub charges a query by
 * the nodes it could return (1 + 100 + 100 + 100×10×5 / 100 ≈ 7 points); wider pages cost points
 * on every run for the rare repository that needs them, so those get follow-up queries instead.
 * Needs `$withLabels`, `$withProtection` and `$allowances` in the operation.
 */
const REPOSITORY_SELECTION = /* GraphQL */ `
  ${REPOSITORY_FIELDS}
  updatedAt pushedAt
  labels(first: 100, orderBy: { field: NAME, direction: ASC }) @include(if: $withLabels) {
    pageInfo { hasNextPage endCursor }
    nodes { ${LABEL_FIELDS} }
  }
  branchProtectionRules(first: 10) @include(if: $withProtection) {
    pageInfo { hasNextPage endCursor }
    nodes { ...ConvergeRule }
  }
`;

const OPTIONS = '$withLabels: Boolean!, $withProtection: Boolean!, $allowances: Int!';

const PAGE = /* GraphQL */ `
  query ConvergeRepositories($org: String!, $after: String, ${OPTIONS}) {
    organization(login: $org) {
      repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ${REPOSITORY_SELECTION} }
      }
    }
  }
  ${RULE_FIELDS}
`;

/**
 * Up to 100 repositories by node id, and the org's count again, to tell whether it changed
 * meanwhile (GitHub wants `first` on every connection, 1 to 100, even for `totalCount` alone).
 */
const BY_ID = /* GraphQL */ `
  query ConvergeRepositoriesById($org: String!, $ids: [ID!]!, ${OPTIONS}) {
    organization(login: $org) {
      repositories(first: 1) { totalCount }
    }
    nodes(ids: $ids) {
      ... on Repository { ${REPOSITORY_SELECTION} }
    }
  }
  ${RULE_FIELDS}
`;

const PER_QUERY = 100;
/** Up to this many repositories, the pages after the first are read by cursor: at most two more round trips. */
const CURSOR_UP_TO = 300;

type Options = { withLabels: boolean; withProtection: boolean };
type Variables = Options & { org: string; allowances: number };

/**
 * Every repository of the org, each once, as the bulk query selects them. An org of more than
 * 300 repositories is not paged by cursor (one round trip per 100): its repositories are listed
 * by REST, every page at once, and those the first page did not bring are read by node id, those
 * queries at once too. An org that changed meanwhile is read again by cursor, so the list is never
 * partial: a repository missing from a full run's read would be planned as a create.
 */
export async function readRepositoryNodes(ctx: GitHubContext, options: Options): Promise<RepositoryNode[]> {
  const variables: Variables = { org: ctx.org, ...options, allowances: 5 };
  const first = await page(ctx, variables, null);
  if (first.totalCount > CURSOR_UP_TO && first.pageInfo.hasNextPage) {
    const read = await readByIds(ctx, variables, first);
    if (Array.isArray(read)) return read;
    ctx.log.debug({ org: ctx.org, ...read }, 'github bulk read falls back to cursor pages');
    return readByCursor(ctx, variables, await page(ctx, variables, null));
  }
  return readByCursor(ctx, variables, first);
}

async function page(ctx: GitHubContext, variables: Variables, after: string | null): Promise<RepositoryPage> {
  const answer = await ctx.api.graphql<PageAnswer>(PAGE, { ...variables, after });
  if (!answer.organization) throw missingOrganization(ctx.org);
  return answer.organization.repositories;
}

async function readByCursor(ctx: GitHubContext, variables: Variables, first: RepositoryPage): Promise<RepositoryNode[]> {
  const nodes = new Map(first.nodes.map((node) => [node.id, node]));
  for (let info = first.pageInfo; info.hasNextPage && info.endCursor; ) {
    const next = await page(ctx, variables, info.endCursor);
    for (const node of next.nodes) nodes.set(node.id, node);
    info = next.pageInfo;
  }
  return [...nodes.values()];
}

/** Why a read by id was not trusted: logged, then the org is read by cursor. */
interface Inconsistent {
  reason: string;
  [detail: string]: unknown;
}

async function readByIds(ctx: GitHubContext, variables: Variables, first: RepositoryPage): Promise<RepositoryNode[] | Inconsistent> {
  const listed = await listRepositories(ctx, first.totalCount);
  if (!Array.isArray(listed)) return listed;
  const known = new Set(first.nodes.map((node) => node.id));
  const read = await nodesById(ctx, variables, listed.map((repo) => repo.id).filter((id) => !known.has(id)), first.totalCount);
  if (!Array.isArray(read)) return read;
  const nodes = new Map([...first.nodes, ...read].map((node) => [node.id, node]));
  if (nodes.size !== listed.length) return { reason: 'union-differs', read: nodes.size, listed: listed.length };
  // In the order the cursor read gives them (GitHub's NAME order), so both reads report alike.
  return [...nodes.values()].sort((a, b) => compareNames(a.name, b.name));
}

/**
 * Every repository of the org as GitHub's REST listing gives it, every page at once after the
 * first count; each page is a conditional GET, so a page where nothing changed costs nothing.
 * Not trusted (and said why) when the pages do not add up to `total` distinct repositories.
 */
async function listRepositories(ctx: GitHubContext, total: number): Promise<ListedRepository[] | Inconsistent> {
  const numbers = Array.from({ length: Math.ceil(total / PER_QUERY) }, (_, i) => i + 1);
  const pages = await mapLimit(numbers, ctx.readConcurrency, (n) =>
    ctx.api.get<RestListed[]>('GET /orgs/{org}/repos', { org: ctx.org, type: 'all', per_page: PER_QUERY, page: n }),
  );
  if (pages.some((listed) => !listed)) return { reason: 'listing-gone' };
  const listed = new Map<string, ListedRepository>();
  for (const repo of pages.flatMap((page) => page!.data)) {
    listed.set(repo.node_id, { id: repo.node_id, name: repo.name, updatedAt: repo.updated_at ?? null, pushedAt: repo.pushed_at ?? null, rest: repo });
  }
  if (listed.size !== total) return { reason: 'listing-size', listed: listed.size, totalCount: total };
  return [...listed.values()];
}

/** Repositories by node id, 100 per query, those queries at once; inconsistent when the org changed meanwhile. */
async function nodesById(ctx: GitHubContext, variables: Variables, ids: readonly string[], total: number): Promise<RepositoryNode[] | Inconsistent> {
  const batches = Array.from({ length: Math.ceil(ids.length / PER_QUERY) }, (_, i) => ids.slice(i * PER_QUERY, (i + 1) * PER_QUERY));
  const answers = await mapLimit(batches, ctx.readConcurrency, (batch) => graphqlAllowingMissing<ByIdAnswer>(ctx, BY_ID, { ...variables, ids: batch }));
  const nodes: RepositoryNode[] = [];
  for (const answer of answers) {
    if (!answer.organization) throw missingOrganization(ctx.org);
    const now = answer.organization.repositories.totalCount;
    if (now !== total) return { reason: 'count-changed', totalCount: total, now };
    for (const node of answer.nodes) {
      if (!node?.id) return { reason: 'node-gone' };
      nodes.push(node as RepositoryNode);
    }
  }
  return nodes;
}

const COUNT = /* GraphQL */ `
  query ConvergeRepositoryCount($org: String!) {
    organization(login: $org) {
      repositories(first: 1) { totalCount }
    }
  }
`;

/** What a warm read found: every repository listed, and those it read again, by GraphQL. */
export interface ChangedRepositories {
  listed: ListedRepository[];
  nodes: RepositoryNode[];
}

/**
 * The org's repositories listed by REST (conditional pages: free where nothing changed), and
 * only those `unchanged` does not vouch for read by node id, as the bulk query selects them.
 * A query for the count (1 point) comes first, as the listing's check; the reads by id check it
 * again. Undefined when the org changed while it was listed: the caller reads it cold.
 */
export async function readChangedRepositoryNodes(
  ctx: GitHubContext,
  options: Options,
  unchanged: (repo: ListedRepository) => boolean,
): Promise<ChangedRepositories | undefined> {
  const counted = await ctx.api.graphql<{ organization: { repositories: { totalCount: number } } | null }>(COUNT, { org: ctx.org });
  if (!counted.organization) throw missingOrganization(ctx.org);
  const total = counted.organization.repositories.totalCount;
  const listed = await listRepositories(ctx, total);
  const read = Array.isArray(listed) ? await nodesById(ctx, { org: ctx.org, ...options, allowances: 5 }, listed.filter((repo) => !unchanged(repo)).map((repo) => repo.id), total) : listed;
  if (!Array.isArray(listed) || !Array.isArray(read)) {
    ctx.log.debug({ org: ctx.org, ...(Array.isArray(read) ? {} : read) }, 'github warm read falls back to a cold one');
    return undefined;
  }
  return { listed: listed.sort((a, b) => compareNames(a.name, b.name)), nodes: read };
}

function compareNames(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}
