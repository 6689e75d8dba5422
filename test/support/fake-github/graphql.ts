/**
 * `POST /graphql`, executed by graphql-js against GitHub's published schema with plain objects
 * as data: a field is a property, a field with arguments is a method. A field the fake does not
 * model is an error (and a violation), never a silent null, so tests cannot pass on data the
 * fake made up.
 */
import { execute, type GraphQLError, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { githubGraphqlSchema, parseAndValidate } from '../graphql-schema.js';
import { autoMergeGraphql } from './automerge.js';
import { commitNode, repositoryObject } from './graphql-commits.js';
import { branchProtectionRules, organizationTeams, protectionMutations, userNode } from './graphql-org.js';
import type { LabelRecord } from './labels.js';
import type { RepoRecord } from './repos.js';
import { nodeId, parseNodeId, type World } from './world.js';

/** GitHub's own GraphQL errors (NOT_FOUND and friends), which are answers, not fake gaps. */
export class GitHubGraphqlError extends Error {
  constructor(
    readonly type: string,
    message: string,
    /** True when the query itself is wrong, so a test should fail on it. */
    readonly appMistake: boolean,
  ) {
    super(message);
  }
}

/** The query asked for something the fake does not model. */
export class FakeGap extends Error {}

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const encodeCursor = (index: number) => Buffer.from(`cursor:v2:${index}`).toString('base64');

function decodeCursor(cursor: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) throw new GitHubGraphqlError('INVALID_CURSOR_ARGUMENTS', `\`${cursor}\` does not appear to be a valid cursor.`, true);
  return Number(m[1]);
}

/**
 * A connection over `items`, with GitHub's rules for first/last (1..100, one required).
 * `edge` adds fields that live on the edge (a team member's `role`, a collaborator's `permission`).
 */
export function connection<T>(
  name: string,
  items: readonly T[],
  args: ConnectionArgs,
  render: (item: T) => unknown,
  edge?: (item: T) => Record<string, unknown>,
): Record<string, unknown> {
  const { first, last, after, before } = args;
  if (first == null && last == null) {
    throw new GitHubGraphqlError('MISSING_PAGINATION_BOUNDARIES', `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`, true);
  }
  for (const [arg, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > 100)) {
      throw new GitHubGraphqlError('EXCESSIVE_PAGINATION', `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of 100 records.`, true);
    }
  }
  let start = after != null ? decodeCursor(after) + 1 : 0;
  let end = before != null ? decodeCursor(before) : items.length;
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const slice = items.slice(start, end);
  const nodes = slice.map(render);
  return {
    __typename: `${name}Connection`,
    totalCount: items.length,
    nodes,
    edges: nodes.map((node, i) => ({ cursor: encodeCursor(start + i), node, ...(edge ? edge(slice[i]!) : {}) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start) : null,
      endCursor: slice.length > 0 ? encodeCursor(end - 1) : null,
    },
  };
}

/**
 * Arguments a resolver does not implement must not be silently ignored. Only arguments the
 * query sets count: graphql-js also passes schema defaults (e.g. `ownerAffiliations`).
 */
export function onlyArgs(info: GraphQLResolveInfo, args: object, supported: string[]): void {
  const values = args as Record<string, unknown>;
  const extra = info.fieldNodes
    .flatMap((node) => node.arguments?.map((a) => a.name.value) ?? [])
    .filter((name) => values[name] != null && !supported.includes(name));
  if (extra.length > 0) {
    throw new FakeGap(`the fake does not implement argument(s) ${extra.join(', ')} of ${info.parentType.name}.${info.fieldName}`);
  }
}

type Order = { field: string; direction: 'ASC' | 'DESC' } | null | undefined;

function ordered<T>(items: T[], order: Order, keys: Record<string, (item: T) => string | number>, field: string): T[] {
  if (!order) return items;
  const key = keys[order.field];
  if (!key) throw new FakeGap(`the fake does not implement ordering ${field} by ${order.field}`);
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return order.direction === 'DESC' ? sorted.reverse() : sorted;
}

function labelNode(world: World, repo: RepoRecord, label: LabelRecord): Record<string, unknown> {
  return {
    __typename: 'Label',
    id: nodeId('LA', label.id),
    name: label.name,
    color: label.color,
    description: label.description,
    isDefault: label.default,
    url: `${world.urls.web}/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
  };
}

export function repositoryNode(world: World, repo: RepoRecord): Record<string, unknown> {
  const head = world.git.branchHead(repo, repo.default_branch);
  return {
    __typename: 'Repository',
    id: repo.node_id,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    owner: { __typename: 'Organization', login: repo.owner },
    url: `${world.urls.web}/${repo.owner}/${repo.name}`,
    description: repo.description,
    homepageUrl: repo.homepage,
    visibility: repo.visibility.toUpperCase(),
    isPrivate: repo.private,
    isArchived: repo.archived,
    isFork: false,
    isTemplate: repo.is_template,
    isDisabled: false,
    isLocked: false,
    hasIssuesEnabled: repo.has_issues,
    hasProjectsEnabled: repo.has_projects,
    hasWikiEnabled: repo.has_wiki,
    hasDiscussionsEnabled: repo.has_discussions,
    mergeCommitAllowed: repo.allow_merge_commit,
    squashMergeAllowed: repo.allow_squash_merge,
    rebaseMergeAllowed: repo.allow_rebase_merge,
    autoMergeAllowed: repo.allow_auto_merge,
    deleteBranchOnMerge: repo.delete_branch_on_merge,
    allowUpdateBranch: repo.allow_update_branch,
    forkingAllowed: repo.allow_forking,
    webCommitSignoffRequired: repo.web_commit_signoff_required,
    squashMergeCommitTitle: repo.squash_merge_commit_title,
    squashMergeCommitMessage: repo.squash_merge_commit_message,
    mergeCommitTitle: repo.merge_commit_title,
    mergeCommitMessage: repo.merge_commit_message,
    createdAt: repo.created_at,
    updatedAt: repo.updated_at,
    pushedAt: repo.pushed_at,
    defaultBranchRef: {
      __typename: 'Ref',
      name: repo.default_branch,
      prefix: 'refs/heads/',
      target: head ? commitNode(world, repo, head) : null,
    },
    repositoryTopics: (args: ConnectionArgs, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before']);
      return connection('RepositoryTopic', repo.topics, args, (name) => ({
        __typename: 'RepositoryTopic',
        topic: { __typename: 'Topic', name },
        url: `${world.urls.web}/topics/${name}`,
      }));
    },
    labels: (args: ConnectionArgs & { orderBy?: Order; query?: string | null }, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before', 'orderBy', 'query']);
      let labels = world.labels.list(repo);
      if (args.query) labels = labels.filter((l) => l.name.toLowerCase().includes(args.query!.toLowerCase()));
      labels = ordered(labels, args.orderBy, { NAME: (l) => l.name.toLowerCase(), CREATED_AT: (l) => l.id }, 'Repository.labels');
      return connection('Label', labels, args, (label) => labelNode(world, repo, label));
    },
    branchProtectionRules: branchProtectionRules(world, repo),
    object: repositoryObject(world, repo),
  };
}

function organizationNode(world: World, login: string): Record<string, unknown> {
  return {
    __typename: 'Organization',
    login,
    ...(login === world.org ? organizationTeams(world) : {}),
    repositories: (
      args: ConnectionArgs & { orderBy?: Order; privacy?: string | null; isArchived?: boolean | null; isFork?: boolean | null; visibility?: string | null },
      _context: unknown,
      info: GraphQLResolveInfo,
    ) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before', 'orderBy', 'privacy', 'isArchived', 'isFork', 'visibility']);
      let repos = [...world.repos.list(login)];
      if (args.privacy) repos = repos.filter((r) => (args.privacy === 'PRIVATE') === r.private);
      if (args.visibility) repos = repos.filter((r) => r.visibility.toUpperCase() === args.visibility);
      if (args.isArchived != null) repos = repos.filter((r) => r.archived === args.isArchived);
      if (args.isFork === true) repos = [];
      repos = ordered(
        repos,
        args.orderBy,
        { NAME: (r) => r.name.toLowerCase(), CREATED_AT: (r) => r.id, UPDATED_AT: (r) => r.updated_at, PUSHED_AT: (r) => r.pushed_at, STARGAZERS: () => 0 },
        'Organization.repositories',
      );
      return connection('Repository', repos, args, (repo) => repositoryNode(world, repo));
    },
  };
}

const strictResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (source === null || typeof source !== 'object') return undefined;
  if (!(info.fieldName in source)) throw new FakeGap(`the fake has no data for ${info.parentType.name}.${info.fieldName}`);
  const value = (source as Record<string, unknown>)[info.fieldName];
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).call(source, args, context, info) : value;
};

export interface RateLimitView {
  limit: number;
  remaining: number;
  used: number;
  resetAt: string;
}

export interface GraphqlOutcome {
  body: { data?: unknown; errors?: Array<Record<string, unknown>> };
  /** Problems a test should fail on: invalid queries and fields the fake cannot answer. */
  violations: string[];
}

export async function executeGraphql(world: World, request: unknown, rateLimit: RateLimitView): Promise<GraphqlOutcome> {
  const { query, variables, operationName } = (request ?? {}) as { query?: unknown; variables?: Record<string, unknown>; operationName?: string };
  if (typeof query !== 'string') {
    return { body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] }, violations: ['POST /graphql without a query string'] };
  }
  const parsed = parseAndValidate(query);
  if (parsed.errors) {
    return {
      body: { errors: parsed.errors.map((e) => e.toJSON() as unknown as Record<string, unknown>) },
      violations: parsed.errors.map((e) => `GraphQL query rejected by GitHub's schema: ${e.message}`),
    };
  }
  const rootValue = {
    organization: ({ login }: { login: string }) => {
      if (!world.repos.isOrg(login)) {
        throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to an Organization with the login of '${login}'.`, false);
      }
      return organizationNode(world, login.toLowerCase() === world.org.toLowerCase() ? world.org : login);
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const redirect = world.repos.redirectFor(owner, name);
      const repo = world.repos.get(owner, name) ?? (redirect === undefined ? undefined : world.repos.getById(redirect));
      if (!repo) throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`, false);
      return repositoryNode(world, repo);
    },
    // GitHub answers an id it cannot resolve with null and a NOT_FOUND error at its index.
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > 100) throw new GitHubGraphqlError('ARGUMENT_LIMIT', `Requested ${ids.length} ids; nodes takes at most 100.`, true);
      return ids.map((id) => {
        const parsed = parseNodeId(id);
        if (parsed && parsed.prefix !== 'R') return new FakeGap(`the fake does not resolve node ids of type ${parsed.prefix} (${id})`);
        const repo = parsed ? world.repos.getById(parsed.id) : undefined;
        return repo ? repositoryNode(world, repo) : new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`, false);
      });
    },
    user: ({ login }: { login: string }) => {
      const user = world.users.get(login);
      if (!user) throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a User with the login of '${login}'.`, false);
      return userNode(user);
    },
    rateLimit: () => ({ __typename: 'RateLimit', cost: 1, nodeCount: 0, ...rateLimit }),
    ...protectionMutations(world),
    ...autoMergeGraphql(world),
  };
  const result = await execute({
    schema: githubGraphqlSchema().schema,
    document: parsed.document,
    rootValue,
    variableValues: variables ?? {},
    operationName: operationName ?? null,
    fieldResolver: strictResolver,
  });
  const violations: string[] = [];
  const errors = (result.errors ?? []).map((error: GraphQLError) => {
    const original = error.originalError;
    const json = error.toJSON() as unknown as Record<string, unknown>;
    if (original instanceof GitHubGraphqlError) {
      if (original.appMistake) violations.push(`GraphQL ${original.type} at ${error.path?.join('.')}: ${error.message}`);
      return { type: original.type, ...json };
    }
    violations.push(`GraphQL error at ${error.path?.join('.') ?? '?'}: ${error.message}`);
    return json;
  });
  return { body: errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data }, violations };
}
