import type { ReadAllResult } from '../../../core/provider.js';
import type { ActualResource } from '../../../core/resource.js';
import { fetchProtections, incomplete, protectionFromLive, type GraphqlRule } from '../branch-protection/graphql.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { LABEL_FIELDS, labelFromLive, type LiveLabel } from '../label/live.js';
import { labelRef } from './names.js';
import { mapLimit } from './fields.js';
import { repositoryFromGraphql } from '../repository/live.js';
import { getRepository } from '../repository/read.js';
import { readRepositoryNodes, type LabelPage, type RepositoryNode } from './repository-pages.js';

const REPOSITORY = 'github.repository';
const LABEL = 'github.label';
const PROTECTION = 'github.branch-protection';

/** Protection rules of every repository; only those past 10 rules or 5 push allowances cost follow-ups. */
async function protectionRules(ctx: GitHubContext, nodes: RepositoryNode[]): Promise<Map<string, GraphqlRule[]>> {
  const rules = new Map(nodes.map((node) => [node.name, node.branchProtectionRules?.nodes ?? []]));
  const more = nodes.filter((node) => incomplete(node.branchProtectionRules)).map((node) => node.name);
  if (more.length > 0) for (const [name, found] of await fetchProtections(ctx, more)) rules.set(name, found?.rules ?? []);
  return rules;
}

/** Repositories with more than 100 labels, several per query, by alias. */
const MORE_LABELS_PER_QUERY = 10;

function moreLabelsQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$n${i}: String!, $c${i}: String`).join(', ');
  const fields = Array.from(
    { length: count },
    (_, i) => `r${i}: repository(owner: $org, name: $n${i}) {
      labels(first: 100, after: $c${i}, orderBy: { field: NAME, direction: ASC }) {
        pageInfo { hasNextPage endCursor }
        nodes { ${LABEL_FIELDS} }
      }
    }`,
  ).join('\n');
  return `query ConvergeMoreLabels($org: String!, ${variables}) {\n${fields}\n}`;
}

async function pageLabels(ctx: GitHubContext, pending: Map<string, { after: string; labels: LiveLabel[] }>): Promise<void> {
  while (pending.size > 0) {
    const batch = [...pending].slice(0, MORE_LABELS_PER_QUERY);
    const variables: Record<string, unknown> = { org: ctx.org };
    batch.forEach(([name, state], i) => {
      variables[`n${i}`] = name;
      variables[`c${i}`] = state.after;
    });
    const answer = await ctx.api.graphql<Record<string, { labels: LabelPage | null } | null>>(moreLabelsQuery(batch.length), variables);
    batch.forEach(([name, state], i) => {
      const page = answer[`r${i}`]?.labels;
      state.labels.push(...(page?.nodes ?? []));
      if (page?.pageInfo.hasNextPage && page.pageInfo.endCursor) state.after = page.pageInfo.endCursor;
      else pending.delete(name);
    });
  }
}

/**
 * Full runs: every repository of the org, their labels and protection rules, in one GraphQL
 * query per 100 repositories (`readRepositoryNodes`: by cursor up to 300 repositories, past
 * that a REST listing and queries by node id, each set of requests at once). Only repositories with more than 100 labels cost follow-up queries, and only
 * empty repositories (whose default branch GraphQL cannot name) cost a REST GET, so bulk and
 * targeted reads report the same spec. The repository, label and branch-protection kinds
 * all name it as their bulk read.
 */
export const bulkRepositories: BulkRead = {
  // One query per 100 repositories against at least one request per repository one by one.
  paysFrom: 100,
  async readAll(kinds, ctx): Promise<ReadAllResult> {
    const withLabels = kinds.has(LABEL);
    const withProtection = kinds.has(PROTECTION);
    const nodes = await readRepositoryNodes(ctx, { withLabels, withProtection });

    const labels = new Map<string, { after: string; labels: LiveLabel[] }>();
    const pending = new Map<string, { after: string; labels: LiveLabel[] }>();
    for (const node of nodes) {
      ctx.repositoryIds.set(node.name.toLowerCase(), node.id);
      if (!withLabels) continue;
      const state = { after: node.labels?.pageInfo.endCursor ?? '', labels: [...(node.labels?.nodes ?? [])] };
      labels.set(node.name, state);
      if (node.labels?.pageInfo.hasNextPage && node.labels.pageInfo.endCursor) pending.set(node.name, state);
    }
    await pageLabels(ctx, pending);
    ctx.repositoryNames = nodes.map((node) => node.name);
    const rules = withProtection ? await protectionRules(ctx, nodes) : new Map<string, GraphqlRule[]>();

    // GraphQL has no default branch for an empty repository; REST names the one it will use.
    const emptyBranches = new Map<string, string>();
    if (kinds.has(REPOSITORY)) {
      const empty = nodes.filter((node) => !node.defaultBranchRef);
      await mapLimit(empty, ctx.readConcurrency, async (node) => {
        const rest = await getRepository(ctx, node.name);
        if (rest?.data.default_branch) emptyBranches.set(node.name, rest.data.default_branch);
      });
    }

    const resources: ActualResource[] = [];
    const stamp = (kind: string, name: string, spec: Record<string, unknown>): ActualResource => ({ kind, target: ctx.target, name, spec });
    for (const node of nodes) {
      if (kinds.has(REPOSITORY)) {
        const branch = emptyBranches.get(node.name);
        resources.push(stamp(REPOSITORY, node.name, { ...repositoryFromGraphql(node), ...(branch ? { defaultBranch: branch } : {}) }));
      }
      for (const label of labels.get(node.name)?.labels ?? []) {
        resources.push(stamp(LABEL, labelRef(node.name, label.name), labelFromLive(label)));
      }
      for (const rule of rules.get(node.name) ?? []) resources.push(stamp(PROTECTION, `${node.name}/${rule.pattern}`, protectionFromLive(rule)));
    }
    ctx.log.debug({ org: ctx.org, repositories: nodes.length, requests: { ...ctx.api.stats } }, 'github bulk read done');
    return { resources, failures: [] };
  },
};
