import type { ReadAllResult } from '../../../core/provider.js';
import type { ActualResource } from '../../../core/resource.js';
import { fetchProtections, incomplete, protectionFromLive, type GraphqlRule } from '../branch-protection/graphql.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { LABEL_FIELDS, labelFromLive, type LiveLabel } from '../label/live.js';
import { labelRef } from './names.js';
import { mapLimit } from './fields.js';
import { repositoryFromGraphql, repositoryFromRest } from '../repository/live.js';
import { EVENTS_FOR_KIND, reusable, SKEW_MS, type ListedRepository, type LiveRecord } from './live-records.js';
import { getRepository } from '../repository/read.js';
import { readChangedRepositoryNodes, readRepositoryNodes, type LabelPage, type RepositoryNode } from './repository-pages.js';

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

/** Which kinds a read yields: records of one set are kept apart from another's. */
const signature = (kinds: ReadonlySet<string>) => [...kinds].filter((k) => k in EVENTS_FOR_KIND).sort().join(',');

interface WarmStart {
  /** Every repository listed, in GitHub's NAME order. */
  listed: ListedRepository[];
  /** The same, by node id. */
  byId: Map<string, ListedRepository>;
  nodes: RepositoryNode[];
  reused: Map<string, LiveRecord>;
  /** Ids with a record before this read. */
  recorded: Set<string>;
}

/**
 * A warm read: the repositories whose records hold (live-records.ts `reusable`) are not read
 * again. Undefined, and the read is cold, when reuse is off, when an event a kind needs does not
 * reach the app, when there is nothing recorded yet, or when the org changed while it was listed.
 */
async function warmStart(kinds: ReadonlySet<string>, ctx: GitHubContext, readAt: number): Promise<WarmStart | undefined> {
  const live = ctx.live;
  const reuse = live?.reuse;
  if (!live || !reuse) return undefined;
  const unheard = [...kinds].filter((kind) => !reuse.events.has(EVENTS_FOR_KIND[kind]!));
  if (unheard.length > 0) {
    ctx.log.info({ org: ctx.org, events: unheard.map((k) => EVENTS_FOR_KIND[k]) }, 'full read is cold: the app does not receive these events, so nothing it recorded can be trusted');
    return undefined;
  }
  const records = await live.store.load(ctx.org, signature(kinds));
  if (records.size === 0) return undefined;
  const oldest = Math.min(...[...records.values()].map((r) => r.readAt));
  const changed = await live.store.changedSince(ctx.org, oldest - SKEW_MS);
  const reused = new Map<string, LiveRecord>();
  const warm = await readChangedRepositoryNodes(ctx, { withLabels: kinds.has(LABEL), withProtection: kinds.has(PROTECTION) }, (repo) => {
    const record = records.get(repo.id);
    const ok = reusable(record, repo, changed.get(repo.name.toLowerCase()), readAt, reuse.maxAgeMs);
    if (ok) reused.set(repo.id, record);
    return ok;
  });
  if (!warm) return undefined;
  ctx.log.info({ org: ctx.org, repositories: warm.listed.length, reused: reused.size, read: warm.nodes.length }, 'github warm read: unchanged repositories not read again');
  return { ...warm, byId: new Map(warm.listed.map((l) => [l.id, l])), reused, recorded: new Set(records.keys()) };
}

/**
 * A reused repository's spec: its settings from today's listing, its merge settings (which the
 * listing leaves out) from the record. GitHub does not document that changing a merge setting
 * moves `updated_at`; the record's age limit bounds how long a hand change to one can go unseen.
 */
function reusedRepository(record: LiveRecord, listed: ListedRepository): Record<string, unknown> | undefined {
  const recorded = record.resources.find((r) => r.kind === REPOSITORY)?.spec;
  if (!recorded) return undefined;
  const fresh: Record<string, unknown> = repositoryFromRest({ ...listed.rest, name: listed.name });
  return { ...recorded, ...fresh, ...(recorded.merge !== undefined ? { merge: recorded.merge } : {}) };
}

/**
 * Full runs: every repository of the org, their labels and protection rules, in one GraphQL
 * query per 100 repositories (`readRepositoryNodes`: by cursor up to 300 repositories, past
 * that a REST listing and queries by node id, each set of requests at once). Only repositories
 * with more than 100 labels cost follow-up queries, and only empty repositories (whose default
 * branch GraphQL cannot name) cost a REST GET, so bulk and targeted reads report the same spec.
 * The repository, label and branch-protection kinds all name it as their bulk read.
 *
 * With live records (a warm full run, live-records.ts), the org is listed by REST instead and
 * only the repositories that may have changed since their record are read by GraphQL; every
 * read leaves records of what it saw for the next one.
 */
export const bulkRepositories: BulkRead = {
  // One query per 100 repositories against at least one request per repository one by one.
  paysFrom: 100,
  async readAll(kinds, ctx): Promise<ReadAllResult> {
    const readAt = Date.now();
    const withLabels = kinds.has(LABEL);
    const withProtection = kinds.has(PROTECTION);
    const warm = await warmStart(kinds, ctx, readAt);
    const nodes = warm ? warm.nodes : await readRepositoryNodes(ctx, { withLabels, withProtection });

    const labels = new Map<string, { after: string; labels: LiveLabel[] }>();
    const pending = new Map<string, { after: string; labels: LiveLabel[] }>();
    for (const node of nodes) {
      if (!withLabels) continue;
      const state = { after: node.labels?.pageInfo.endCursor ?? '', labels: [...(node.labels?.nodes ?? [])] };
      labels.set(node.name, state);
      if (node.labels?.pageInfo.hasNextPage && node.labels.pageInfo.endCursor) pending.set(node.name, state);
    }
    await pageLabels(ctx, pending);
    const rules = withProtection ? await protectionRules(ctx, nodes) : new Map<string, GraphqlRule[]>();

    // GraphQL has no default branch for an empty repository; REST names the one it will use.
    const emptyBranches = new Map<string, string>();
    if (kinds.has(REPOSITORY)) {
      const empty = nodes.filter((node) => !node.defaultBranchRef);
      await mapLimit(empty, ctx.readConcurrency, async (node) => {
        const branch = warm?.byId.get(node.id)?.rest.default_branch ?? (await getRepository(ctx, node.name))?.data.default_branch;
        if (branch) emptyBranches.set(node.name, branch);
      });
    }

    // Each repository's resources, read now or reused, in the order GitHub names them.
    type Own = LiveRecord['resources'];
    const fromNode = (node: RepositoryNode): Own => {
      const own: Own = [];
      if (kinds.has(REPOSITORY)) {
        const branch = emptyBranches.get(node.name);
        own.push({ kind: REPOSITORY, name: node.name, spec: { ...repositoryFromGraphql(node), ...(branch ? { defaultBranch: branch } : {}) } });
      }
      for (const label of labels.get(node.name)?.labels ?? []) own.push({ kind: LABEL, name: labelRef(node.name, label.name), spec: labelFromLive(label) });
      for (const rule of rules.get(node.name) ?? []) own.push({ kind: PROTECTION, name: `${node.name}/${rule.pattern}`, spec: protectionFromLive(rule) });
      return own;
    };
    const read = new Map(nodes.map((node) => [node.id, { node, own: fromNode(node) }]));
    const order = warm ? warm.listed.map((l) => ({ id: l.id, name: l.name })) : nodes.map((n) => ({ id: n.id, name: n.name }));
    const resources: ActualResource[] = [];
    for (const { id, name } of order) {
      ctx.repositoryIds.set(name.toLowerCase(), id);
      const record = warm?.reused.get(id);
      const listed = warm?.byId.get(id);
      const own = read.get(id)?.own ?? (record && listed ? reusedResources(record, listed, kinds) : []);
      for (const r of own) resources.push({ kind: r.kind, target: ctx.target, name: r.name, spec: r.spec });
    }
    ctx.repositoryNames = order.map((o) => o.name);

    if (ctx.live) await saveRecords(ctx, kinds, readAt, [...read.values()], warm);
    ctx.log.debug({ org: ctx.org, repositories: order.length, read: nodes.length, requests: { ...ctx.api.stats } }, 'github bulk read done');
    return { resources, failures: [], ...(warm ? { notes: [warmNote(warm, order.length)] } : {}) };
  },
};

/** What a warm read says in the run's report: how much it read, and how old what it reused is. */
function warmNote(warm: WarmStart, listed: number): string {
  if (warm.reused.size === 0) return `All ${listed} repositories were read.`;
  const oldest = Math.min(...[...warm.reused.values()].map((r) => r.readAt));
  return `${warm.nodes.length} of ${listed} repositories were read again; the other ${warm.reused.size}, unchanged since, stand on what an earlier read saw (the oldest at ${new Date(oldest).toISOString().slice(0, 16).replace('T', ' ')} UTC).`;
}

/** A reused record's resources as today's read reports them: the repository's settings refreshed from the listing. */
function reusedResources(record: LiveRecord, listed: ListedRepository, kinds: ReadonlySet<string>): LiveRecord['resources'] {
  return record.resources.flatMap((r) => {
    if (!kinds.has(r.kind)) return [];
    if (r.kind !== REPOSITORY) return [r];
    const spec = reusedRepository(record, listed);
    return spec ? [{ ...r, name: listed.name, spec }] : [];
  });
}

/**
 * What this read saw, for the next one. A warm read's records carry the listing's stamps; a cold
 * read's carry GraphQL's and replace every record of the org (repositories gone are dropped).
 */
async function saveRecords(ctx: GitHubContext, kinds: ReadonlySet<string>, readAt: number, read: Array<{ node: RepositoryNode; own: LiveRecord['resources'] }>, warm: WarmStart | undefined): Promise<void> {
  const records: LiveRecord[] = read.map(({ node, own }) => {
    const stamps = warm?.byId.get(node.id) ?? { updatedAt: node.updatedAt ?? null, pushedAt: node.pushedAt ?? null };
    return { id: node.id, name: node.name, updatedAt: stamps.updatedAt, pushedAt: stamps.pushedAt, readAt, resources: own };
  });
  try {
    const dropped = warm ? [...warm.recorded].filter((id) => !warm.byId.has(id)) : [];
    await ctx.live!.store.save(ctx.org, signature(kinds), records, warm ? { dropped } : { replace: true });
  } catch (error) {
    // Records only save requests: without them the next full run reads everything.
    ctx.log.warn({ err: error, org: ctx.org }, 'could not save what the full read saw; the next one reads everything');
  }
}
