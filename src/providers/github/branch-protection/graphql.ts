import type { GitHubContext } from '../kind.js';
import { graphqlAllowingMissing } from '../shared/graphql-partial.js';
import { sortedNames } from '../shared/permissions.js';
import { sortChecks, type BranchProtection } from './schema.js';

export interface GraphqlRule {
  id: string;
  pattern: string;
  requiresApprovingReviews: boolean;
  requiredApprovingReviewCount: number | null;
  dismissesStaleReviews: boolean;
  requiresCodeOwnerReviews: boolean;
  requireLastPushApproval: boolean;
  requiresStatusChecks: boolean;
  requiresStrictStatusChecks: boolean;
  requiredStatusChecks: Array<{ context: string; app: { slug: string } | null }> | null;
  isAdminEnforced: boolean;
  restrictsPushes: boolean;
  pushAllowances: {
    pageInfo: { hasNextPage: boolean };
    nodes: Array<{ actor: { __typename: string; login?: string; slug?: string } | null }>;
  };
  requiresLinearHistory: boolean;
  allowsForcePushes: boolean;
  allowsDeletions: boolean;
  requiresConversationResolution: boolean;
}

export interface RulePage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: GraphqlRule[];
}

/** Needs `$allowances: Int!` in the operation: push allowances read per rule. */
export const RULE_FIELDS = /* GraphQL */ `
  fragment ConvergeRule on BranchProtectionRule {
    id pattern
    requiresApprovingReviews requiredApprovingReviewCount dismissesStaleReviews requiresCodeOwnerReviews requireLastPushApproval
    requiresStatusChecks requiresStrictStatusChecks requiredStatusChecks { context app { slug } }
    isAdminEnforced restrictsPushes
    pushAllowances(first: $allowances) {
      pageInfo { hasNextPage }
      nodes { actor { __typename ... on User { login } ... on Team { slug } ... on App { slug } } }
    }
    requiresLinearHistory allowsForcePushes allowsDeletions requiresConversationResolution
  }
`;

/** A rule as a spec; sections that are off read as null. */
export function protectionFromLive(rule: GraphqlRule): BranchProtection {
  const actors = rule.pushAllowances.nodes.flatMap((n) => (n.actor ? [n.actor] : []));
  const names = (type: string) => sortedNames(actors.filter((a) => a.__typename === type).map((a) => a.login ?? a.slug ?? ''));
  return {
    requiredReviews: rule.requiresApprovingReviews
      ? {
          approvals: rule.requiredApprovingReviewCount ?? 0,
          dismissStaleReviews: rule.dismissesStaleReviews,
          requireCodeOwnerReviews: rule.requiresCodeOwnerReviews,
          requireLastPushApproval: rule.requireLastPushApproval,
        }
      : null,
    requiredStatusChecks: rule.requiresStatusChecks
      ? {
          strict: rule.requiresStrictStatusChecks,
          checks: sortChecks((rule.requiredStatusChecks ?? []).map((c) => (c.app ? { context: c.context, app: c.app.slug.toLowerCase() } : { context: c.context }))),
        }
      : null,
    enforceAdmins: rule.isAdminEnforced,
    restrictions: rule.restrictsPushes ? { users: names('User'), teams: names('Team'), apps: names('App') } : null,
    requireLinearHistory: rule.requiresLinearHistory,
    allowForcePushes: rule.allowsForcePushes,
    allowDeletions: rule.allowsDeletions,
    requireConversationResolution: rule.requiresConversationResolution,
  };
}

/** Whether a page left something out (more rules, or more push allowances on a rule). */
export function incomplete(page: RulePage | null | undefined): boolean {
  return Boolean(page?.pageInfo.hasNextPage || page?.nodes.some((r) => r.pushAllowances.pageInfo.hasNextPage));
}

/** Targeted reads: 10 repositories per query, each with up to 100 rules of 100 push allowances. */
const REPOSITORIES_PER_QUERY = 10;

function rulesQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$n${i}: String!, $c${i}: String`).join(', ');
  const fields = Array.from(
    { length: count },
    (_, i) => `r${i}: repository(owner: $org, name: $n${i}) {
      id name
      branchProtectionRules(first: 100, after: $c${i}) { pageInfo { hasNextPage endCursor } nodes { ...ConvergeRule } }
    }`,
  ).join('\n');
  return `query ConvergeProtection($org: String!, $allowances: Int!, ${variables}) {\n${fields}\n}\n${RULE_FIELDS}`;
}

export interface RepositoryRules {
  /** The repository's GraphQL node id. */
  id: string;
  rules: GraphqlRule[];
}

/**
 * Every protection rule of these repositories (undefined for a repository that does not
 * exist under that name: a renamed repository's old name is not followed).
 */
export async function fetchProtections(ctx: GitHubContext, repositories: string[]): Promise<Map<string, RepositoryRules | undefined>> {
  const out = new Map<string, RepositoryRules | undefined>();
  let pending = [...new Set(repositories)].map((name) => ({ name, after: null as string | null }));
  while (pending.length > 0) {
    const batch = pending.slice(0, REPOSITORIES_PER_QUERY);
    pending = pending.slice(REPOSITORIES_PER_QUERY);
    const variables: Record<string, unknown> = { org: ctx.org, allowances: 100 };
    batch.forEach((p, i) => {
      variables[`n${i}`] = p.name;
      variables[`c${i}`] = p.after;
    });
    type Answer = Record<string, { id: string; name: string; branchProtectionRules: RulePage } | null>;
    const answer = await graphqlAllowingMissing<Answer>(ctx, rulesQuery(batch.length), variables);
    batch.forEach((p, i) => {
      const repo = answer[`r${i}`];
      if (!repo || repo.name.toLowerCase() !== p.name.toLowerCase()) {
        out.set(p.name, undefined);
        return;
      }
      ctx.repositoryIds.set(repo.name.toLowerCase(), repo.id);
      const known = out.get(p.name) ?? { id: repo.id, rules: [] };
      known.rules.push(...repo.branchProtectionRules.nodes);
      out.set(p.name, known);
      const { pageInfo } = repo.branchProtectionRules;
      if (pageInfo.hasNextPage && pageInfo.endCursor) pending.push({ name: p.name, after: pageInfo.endCursor });
    });
  }
  return out;
}
