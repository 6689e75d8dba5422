/**
 * GraphQL for commits: `Repository.object(oid | expression)` as a Commit with its `history`
 * (nearest first, as `git log`) and its `checkSuites` / `checkRuns`, filtered as GitHub
 * filters them. Every check run in the fake was created by the fake's one app, so each
 * commit has at most one check suite (GitHub's: one per app and commit).
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { CheckRunRecord } from './checks.js';
import type { PullRecord } from './pulls.js';
import { connection, GitHubGraphqlError, onlyArgs, type ConnectionArgs } from './graphql.js';
import type { RepoRecord } from './repos.js';
import { nodeId, type World } from './world.js';

interface SuiteFilter {
  appId?: number | null;
  checkName?: string | null;
}

interface RunFilter {
  appId?: number | null;
  checkName?: string | null;
  checkType?: 'ALL' | 'LATEST' | null;
  status?: string | null;
  statuses?: string[] | null;
  conclusions?: string[] | null;
}

/** The latest run of each name, as GitHub's `checkType: LATEST` (the default) keeps. */
function latestByName(runs: CheckRunRecord[]): CheckRunRecord[] {
  const latest = new Map<string, CheckRunRecord>();
  for (const run of runs) if ((latest.get(run.name)?.id ?? -1) < run.id) latest.set(run.name, run);
  return [...latest.values()];
}

function checkRunNodes(world: World, runs: CheckRunRecord[], filter: RunFilter | null | undefined): CheckRunRecord[] {
  if (filter?.appId != null && filter.appId !== world.appId) return [];
  let out = filter?.checkType === 'ALL' ? runs : latestByName(runs);
  if (filter?.checkName != null) out = out.filter((r) => r.name === filter.checkName);
  const statuses = filter?.statuses ?? (filter?.status ? [filter.status] : undefined);
  if (statuses) out = out.filter((r) => statuses.includes(r.status.toUpperCase()));
  if (filter?.conclusions) out = out.filter((r) => r.conclusion !== null && filter.conclusions!.includes(r.conclusion.toUpperCase()));
  return out.sort((a, b) => a.id - b.id);
}

/** A pull request as `Commit.associatedPullRequests` lists it: its number, title, merge and comments. */
function pullNode(world: World, repo: RepoRecord, pull: PullRecord): Record<string, unknown> {
  return {
    __typename: 'PullRequest',
    id: nodeId('PR', pull.id),
    number: pull.number,
    title: pull.title,
    merged: pull.merged,
    mergeCommit: pull.merge_commit_sha ? { __typename: 'Commit', oid: pull.merge_commit_sha } : null,
    comments: (args: ConnectionArgs, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before']);
      return connection('IssueComment', world.issues.comments(repo, pull.number), args, (comment) => ({
        __typename: 'IssueComment',
        id: nodeId('IC', comment.id),
        databaseId: comment.id,
        body: comment.body,
      }));
    },
  };
}

export function commitNode(world: World, repo: RepoRecord, sha: string): Record<string, unknown> {
  const runs = () => world.checks.list(repo).filter((r) => r.head_sha === sha);
  const commit = world.git.commitBySha(repo, sha);
  return {
    __typename: 'Commit',
    id: `C_${Buffer.from(sha).toString('base64url')}`,
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    tree: commit ? { __typename: 'Tree', oid: commit.tree } : null,
    // As the REST list: pull requests whose head is this commit or that were merged as it.
    associatedPullRequests: (args: ConnectionArgs, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before']);
      const pulls = world.pulls.list(repo).filter((p) => p.head.sha === sha || p.merge_commit_sha === sha);
      return connection('PullRequest', pulls, args, (pull) => pullNode(world, repo, pull));
    },
    history: (args: ConnectionArgs, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'after']);
      return connection('Commit', world.git.ancestors(repo, sha), args, (ancestor) => commitNode(world, repo, ancestor));
    },
    checkSuites: (args: ConnectionArgs & { filterBy?: SuiteFilter | null }, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before', 'filterBy']);
      const mine = runs();
      const { appId, checkName } = args.filterBy ?? {};
      const matches = mine.length > 0 && (appId == null || appId === world.appId) && (checkName == null || mine.some((r) => r.name === checkName));
      return connection('CheckSuite', matches ? [mine] : [], args, (suiteRuns) => ({
        __typename: 'CheckSuite',
        id: `CS_${Buffer.from(`${repo.id}:${sha}`).toString('base64url')}`,
        app: { __typename: 'App', databaseId: world.appId, slug: world.appSlug },
        checkRuns: (runArgs: ConnectionArgs & { filterBy?: RunFilter | null }, _c: unknown, runInfo: GraphQLResolveInfo) => {
          onlyArgs(runInfo, runArgs, ['first', 'last', 'after', 'before', 'filterBy']);
          return connection('CheckRun', checkRunNodes(world, suiteRuns, runArgs.filterBy), runArgs, (run) => ({
            __typename: 'CheckRun',
            id: nodeId('CR', run.id),
            databaseId: run.id,
            name: run.name,
            status: run.status.toUpperCase(),
            conclusion: run.conclusion?.toUpperCase() ?? null,
          }));
        },
      }));
    },
  };
}

/** `Repository.object`: commits only (by oid, branch name or sha), which is all Converge asks for. */
export function repositoryObject(world: World, repo: RepoRecord) {
  return (args: { oid?: string | null; expression?: string | null }, _context: unknown, info: GraphQLResolveInfo) => {
    onlyArgs(info, args, ['oid', 'expression']);
    const ref = args.oid ?? args.expression;
    if (!ref) throw new GitHubGraphqlError('INVALID_ARGUMENTS', 'Repository.object needs an oid or an expression.', true);
    const commit = world.git.resolve(repo, ref);
    return commit ? commitNode(world, repo, commit.sha) : null;
  };
}
