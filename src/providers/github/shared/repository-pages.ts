import { RULE_FIELDS, type RulePage } from '../branch-protection/graphql.js';
import type { GitHubContext } from '../kind.js';
import { LABEL_FIELDS, type LiveLabel } from '../label/live.js';
import { REPOSITORY_FIELDS, type GraphqlRepository } from '../repository/live.js';
import { missingOrganization } from './errors.js';
import { mapLimit } from './fields.js';
import { graphqlAllowingMissing } from './graphql-partial.js';

export interface LabelPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: LiveLabel[];
}

export interface RepositoryNode extends GraphqlRepository {
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
  const total = first.totalCount;
  const numbers = Array.from({ length: Math.ceil(total / PER_QUERY) }, (_, i) => i + 1);
  const pages = await mapLimit(numbers, ctx.readConcurrency, (n) =>
    ctx.api.get<Array<{ node_id: string }>>('GET /orgs/{org}/repos', { org: ctx.org, type: 'all', per_page: PER_QUERY, page: n }),
  );
  if (pages.some((listed) => !listed)) return { reason: 'listing-gone' };
  const listed = new Set(pages.flatMap((listed) => listed!.data.map((repo) => repo.node_id)));
  if (listed.size !== total) return { reason: 'listing-size', listed: listed.size, totalCount: total };

  const nodes = new Map(first.nodes.map((node) => [node.id, node]));
  const missing = [...listed].filter((id) => !nodes.has(id));
  const batches = Array.from({ length: Math.ceil(missing.length / PER_QUERY) }, (_, i) => missing.slice(i * PER_QUERY, (i + 1) * PER_QUERY));
  const answers = await mapLimit(batches, ctx.readConcurrency, (ids) => graphqlAllowingMissing<ByIdAnswer>(ctx, BY_ID, { ...variables, ids }));
  for (const answer of answers) {
    if (!answer.organization) throw missingOrganization(ctx.org);
    const now = answer.organization.repositories.totalCount;
    if (now !== total) return { reason: 'count-changed', totalCount: total, now };
    for (const node of answer.nodes) {
      if (!node?.id) return { reason: 'node-gone' };
      nodes.set(node.id, node as RepositoryNode);
    }
  }
  if (nodes.size !== listed.size) return { reason: 'union-differs', read: nodes.size, listed: listed.size };
  // In the order the cursor read gives them (GitHub's NAME order), so both reads report alike.
  return [...nodes.values()].sort((a, b) => compareNames(a.name, b.name));
}

function compareNames(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}
