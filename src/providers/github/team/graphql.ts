import { missingOrganization } from '../shared/errors.js';
import type { GitHubContext } from '../kind.js';

interface Page<E> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: E[];
}

export interface MemberEdge {
  role: 'MAINTAINER' | 'MEMBER';
  node: { login: string };
}

export interface RepositoryEdge {
  permission: string;
  node: { name: string };
}

export interface GraphqlTeam {
  slug: string;
  name: string;
  description: string | null;
  privacy: 'SECRET' | 'VISIBLE';
  notificationSetting: 'NOTIFICATIONS_ENABLED' | 'NOTIFICATIONS_DISABLED';
  parentTeam: { slug: string } | null;
  members?: Page<MemberEdge>;
  repositories?: Page<RepositoryEdge>;
}

/** A team with every page of what was asked for. */
export interface LiveTeam {
  team: GraphqlTeam;
  members?: MemberEdge[];
  repositories?: RepositoryEdge[];
}

export interface TeamParts {
  members: boolean;
  repositories: boolean;
}

const MEMBER_EDGES = 'pageInfo { hasNextPage endCursor } edges { role node { login } }';
const REPOSITORY_EDGES = 'pageInfo { hasNextPage endCursor } edges { permission node { name } }';

/** Direct members only (IMMEDIATE): members of child teams are those teams' business. */
const TEAM_FIELDS = /* GraphQL */ `
  fragment ConvergeTeam on Team {
    slug name description privacy notificationSetting parentTeam { slug }
    members(first: 100, membership: IMMEDIATE) @include(if: $withMembers) { ${MEMBER_EDGES} }
    repositories(first: 100) @include(if: $withRepos) { ${REPOSITORY_EDGES} }
  }
`;

/** Teams asked for by slug, several per query by alias (each with up to 100 members and repositories). */
const TEAMS_PER_QUERY = 25;
/** Follow-up pages (teams past 100 members or repositories), several teams per query. */
const MORE_PER_QUERY = 10;

function teamsQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$s${i}: String!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `t${i}: team(slug: $s${i}) { ...ConvergeTeam }`).join('\n');
  return `query ConvergeTeams($org: String!, $withMembers: Boolean!, $withRepos: Boolean!, ${variables}) {
  organization(login: $org) {\n${fields}\n  }\n}\n${TEAM_FIELDS}`;
}

const ALL_TEAMS = /* GraphQL */ `
  query ConvergeAllTeams($org: String!, $after: String, $withMembers: Boolean!, $withRepos: Boolean!) {
    organization(login: $org) {
      teams(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...ConvergeTeam } }
    }
  }
  ${TEAM_FIELDS}
`;

function moreQuery(connection: 'members' | 'repositories', count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$s${i}: String!, $c${i}: String`).join(', ');
  const args = connection === 'members' ? ', membership: IMMEDIATE' : '';
  const edges = connection === 'members' ? MEMBER_EDGES : REPOSITORY_EDGES;
  const fields = Array.from({ length: count }, (_, i) => `t${i}: team(slug: $s${i}) { ${connection}(first: 100, after: $c${i}${args}) { ${edges} } }`).join('\n');
  return `query ConvergeMoreTeam($org: String!, ${variables}) {\n  organization(login: $org) {\n${fields}\n  }\n}`;
}

type Answer = { organization: Record<string, GraphqlTeam | null> | null };

/** Pages `connection` of every team that has more, MORE_PER_QUERY teams per query. */
async function pageMore(ctx: GitHubContext, teams: LiveTeam[], connection: 'members' | 'repositories'): Promise<void> {
  const pending = new Map<string, { team: LiveTeam; after: string }>();
  for (const live of teams) {
    const page = live.team[connection];
    if (page?.pageInfo.hasNextPage && page.pageInfo.endCursor) pending.set(live.team.slug, { team: live, after: page.pageInfo.endCursor });
  }
  while (pending.size > 0) {
    const batch = [...pending.values()].slice(0, MORE_PER_QUERY);
    const variables: Record<string, unknown> = { org: ctx.org };
    batch.forEach((p, i) => {
      variables[`s${i}`] = p.team.team.slug;
      variables[`c${i}`] = p.after;
    });
    const answer = await ctx.api.graphql<Answer>(moreQuery(connection, batch.length), variables);
    batch.forEach((p, i) => {
      const page = answer.organization?.[`t${i}`]?.[connection] as Page<never> | undefined;
      (p.team[connection] as unknown[]).push(...(page?.edges ?? []));
      if (page?.pageInfo.hasNextPage && page.pageInfo.endCursor) p.after = page.pageInfo.endCursor;
      else pending.delete(p.team.team.slug);
    });
  }
}

function live(team: GraphqlTeam, parts: TeamParts): LiveTeam {
  return {
    team,
    ...(parts.members ? { members: [...(team.members?.edges ?? [])] } : {}),
    ...(parts.repositories ? { repositories: [...(team.repositories?.edges ?? [])] } : {}),
  };
}

async function complete(ctx: GitHubContext, teams: LiveTeam[], parts: TeamParts): Promise<void> {
  if (parts.members) await pageMore(ctx, teams, 'members');
  if (parts.repositories) await pageMore(ctx, teams, 'repositories');
}

/** Teams by slug; a slug GitHub does not know maps to undefined. */
export async function fetchTeams(ctx: GitHubContext, slugs: string[], parts: TeamParts): Promise<Map<string, LiveTeam | undefined>> {
  const out = new Map<string, LiveTeam | undefined>();
  const unique = [...new Set(slugs)];
  for (let start = 0; start < unique.length; start += TEAMS_PER_QUERY) {
    const batch = unique.slice(start, start + TEAMS_PER_QUERY);
    const variables: Record<string, unknown> = { org: ctx.org, withMembers: parts.members, withRepos: parts.repositories };
    batch.forEach((slug, i) => (variables[`s${i}`] = slug));
    const answer = await ctx.api.graphql<Answer>(teamsQuery(batch.length), variables);
    if (!answer.organization) throw missingOrganization(ctx.org);
    batch.forEach((slug, i) => {
      const team = answer.organization![`t${i}`];
      out.set(slug, team ? live(team, parts) : undefined);
    });
  }
  await complete(ctx, [...out.values()].filter((t): t is LiveTeam => t !== undefined), parts);
  return out;
}

/** Every team of the org, 100 per query. */
export async function fetchAllTeams(ctx: GitHubContext, parts: TeamParts): Promise<LiveTeam[]> {
  const teams: LiveTeam[] = [];
  for (let after: string | null = null; ; ) {
    const answer: { organization: { teams: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: GraphqlTeam[] } } | null } =
      await ctx.api.graphql(ALL_TEAMS, { org: ctx.org, after, withMembers: parts.members, withRepos: parts.repositories });
    if (!answer.organization) throw missingOrganization(ctx.org);
    teams.push(...answer.organization.teams.nodes.map((t) => live(t, parts)));
    const { pageInfo } = answer.organization.teams;
    if (!pageInfo.hasNextPage || !pageInfo.endCursor) break;
    after = pageInfo.endCursor;
  }
  await complete(ctx, teams, parts);
  return teams;
}
