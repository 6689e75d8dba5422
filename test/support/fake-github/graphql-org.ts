/**
 * GraphQL for the org's people and policies: users, apps, teams (members with their role,
 * repositories with their permission), branch protection rules and their mutations. Plain
 * objects as in `graphql.ts`; wired into its root and nodes there.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { ProtectionError, type ActorRef, type ProtectionRecord } from './branch-protection.js';
import { connection, GitHubGraphqlError, onlyArgs, repositoryNode, type ConnectionArgs } from './graphql.js';
import type { RepoRecord } from './repos.js';
import type { TeamPermission, TeamRecord, TeamRole } from './teams.js';
import type { AppRecord, UserRecord } from './users.js';
import { nodeId, parseNodeId, type World } from './world.js';

const PERMISSION: Record<TeamPermission, string> = { pull: 'READ', triage: 'TRIAGE', push: 'WRITE', maintain: 'MAINTAIN', admin: 'ADMIN' };

export function userNode(user: UserRecord): Record<string, unknown> {
  return { __typename: 'User', id: nodeId('U', user.id), databaseId: user.id, login: user.login };
}

function appNode(app: AppRecord): Record<string, unknown> {
  return { __typename: 'App', id: nodeId('A', app.id), databaseId: app.id, slug: app.slug, name: app.name };
}

/** Direct members, or with `ALL` also the members of child teams (their role there). */
function membersOf(world: World, team: TeamRecord, membership: string): Array<{ login: string; role: TeamRole }> {
  const out = new Map<string, TeamRole>();
  if (membership !== 'CHILD_TEAM') for (const [login, role] of team.members) out.set(login, role);
  if (membership !== 'IMMEDIATE') {
    for (const child of world.teams.children(team)) {
      for (const m of membersOf(world, child, 'ALL')) if (!out.has(m.login)) out.set(m.login, m.role);
    }
  }
  return [...out].map(([login, role]) => ({ login, role })).sort((a, b) => a.login.localeCompare(b.login));
}

export function teamNode(world: World, team: TeamRecord): Record<string, unknown> {
  return {
    __typename: 'Team',
    id: team.node_id,
    databaseId: team.id,
    slug: team.slug,
    name: team.name,
    description: team.description,
    privacy: team.privacy === 'secret' ? 'SECRET' : 'VISIBLE',
    notificationSetting: team.notification_setting.toUpperCase(),
    parentTeam: () => {
      const parent = world.teams.parent(team);
      return parent ? teamNode(world, parent) : null;
    },
    members: (args: ConnectionArgs & { membership?: string | null; role?: string | null }, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before', 'membership', 'role']);
      let members = membersOf(world, team, args.membership ?? 'ALL');
      if (args.role) members = members.filter((m) => m.role.toUpperCase() === args.role);
      return connection('TeamMember', members, args, (m) => userNode(world.users.get(m.login)!), (m) => ({ role: m.role.toUpperCase() }));
    },
    repositories: (args: ConnectionArgs, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before']);
      const grants = [...team.repos]
        .map(([id, permission]) => ({ repo: world.repos.getById(id), permission }))
        .filter((g): g is { repo: RepoRecord; permission: TeamPermission } => g.repo !== undefined)
        .sort((a, b) => a.repo.name.toLowerCase().localeCompare(b.repo.name.toLowerCase()));
      return connection('TeamRepository', grants, args, (g) => repositoryNode(world, g.repo), (g) => ({ permission: PERMISSION[g.permission] }));
    },
  };
}

export function organizationTeams(world: World): Record<string, unknown> {
  return {
    team: ({ slug }: { slug: string }) => {
      const team = world.teams.get(slug);
      return team ? teamNode(world, team) : null;
    },
    teams: (args: ConnectionArgs & { rootTeamsOnly?: boolean | null }, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before', 'rootTeamsOnly']);
      let teams = world.teams.list();
      if (args.rootTeamsOnly) teams = teams.filter((t) => t.parentId === null);
      return connection('Team', teams, args, (team) => teamNode(world, team));
    },
  };
}

function actorNode(world: World, actor: ActorRef): Record<string, unknown> | null {
  if (actor.type === 'User') {
    const user = world.users.getById(actor.id);
    return user ? userNode(user) : null;
  }
  if (actor.type === 'Team') {
    const team = world.teams.getById(actor.id);
    return team ? teamNode(world, team) : null;
  }
  const app = world.users.appById(actor.id);
  return app ? appNode(app) : null;
}

function ruleNode(world: World, rule: ProtectionRecord): Record<string, unknown> {
  const { id, node_id, repoId: _repoId, requiredStatusChecks, pushAllowances, ...fields } = rule;
  return {
    __typename: 'BranchProtectionRule',
    ...fields,
    id: node_id,
    databaseId: id,
    requiredStatusCheckContexts: requiredStatusChecks.map((c) => c.context),
    requiredStatusChecks: requiredStatusChecks.map((c) => {
      const app = c.appId === null ? undefined : world.users.appById(c.appId);
      return { __typename: 'RequiredStatusCheckDescription', context: c.context, app: app ? appNode(app) : null };
    }),
    pushAllowances: (args: ConnectionArgs, _context: unknown, info: GraphQLResolveInfo) => {
      onlyArgs(info, args, ['first', 'last', 'after', 'before']);
      return connection('PushAllowance', pushAllowances, args, (actor) => ({
        __typename: 'PushAllowance',
        id: nodeId('PA', rule.id * 1000 + pushAllowances.indexOf(actor)),
        actor: actorNode(world, actor),
      }));
    },
  };
}

export function branchProtectionRules(world: World, repo: RepoRecord) {
  return (args: ConnectionArgs, _context: unknown, info: GraphQLResolveInfo) => {
    onlyArgs(info, args, ['first', 'last', 'after', 'before']);
    return connection('BranchProtectionRule', world.protections.list(repo), args, (rule) => ruleNode(world, rule));
  };
}

/** A node id of a user, team or app, as `pushActorIds` and `appId` carry them. */
function resolveActor(world: World, id: string): ActorRef | undefined {
  const parsed = parseNodeId(id);
  if (!parsed) return undefined;
  if (parsed.prefix === 'U' && world.users.getById(parsed.id)) return { type: 'User', id: parsed.id };
  if (parsed.prefix === 'T' && world.teams.getById(parsed.id)) return { type: 'Team', id: parsed.id };
  if (parsed.prefix === 'A' && world.users.appById(parsed.id)) return { type: 'App', id: parsed.id };
  return undefined;
}

function unprocessable<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ProtectionError) throw new GitHubGraphqlError('UNPROCESSABLE', error.message, false);
    throw error;
  }
}

function ruleById(world: World, id: string): ProtectionRecord {
  const parsed = parseNodeId(id);
  const rule = parsed?.prefix === 'BPR' ? world.protections.get(parsed.id) : undefined;
  if (!rule) throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`, false);
  return rule;
}

type Input = { input: Record<string, unknown> & { clientMutationId?: string } };

export function protectionMutations(world: World): Record<string, unknown> {
  const resolve = (id: string) => resolveActor(world, id);
  return {
    createBranchProtectionRule: ({ input }: Input) => {
      const parsed = parseNodeId(String(input.repositoryId));
      const repo = parsed?.prefix === 'R' ? world.repos.getById(parsed.id) : undefined;
      if (!repo) throw new GitHubGraphqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(input.repositoryId)}'`, false);
      if (repo.archived) throw new GitHubGraphqlError('FORBIDDEN', 'Repository was archived so is read-only.', false);
      const rule = unprocessable(() => world.protections.create(repo, input, resolve));
      return { clientMutationId: input.clientMutationId ?? null, branchProtectionRule: ruleNode(world, rule) };
    },
    updateBranchProtectionRule: ({ input }: Input) => {
      const rule = ruleById(world, String(input.branchProtectionRuleId));
      unprocessable(() => world.protections.update(rule, input, resolve));
      return { clientMutationId: input.clientMutationId ?? null, branchProtectionRule: ruleNode(world, rule) };
    },
    deleteBranchProtectionRule: ({ input }: Input) => {
      world.protections.delete(ruleById(world, String(input.branchProtectionRuleId)).id);
      return { clientMutationId: input.clientMutationId ?? null };
    },
  };
}
