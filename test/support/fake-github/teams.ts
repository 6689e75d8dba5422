/**
 * Teams of the fake's org: settings, nesting, memberships (members and maintainers) and
 * repository grants. Slugs follow GitHub's rule (the name, parameterized); looked up by slug.
 */
import { bodyOf, HttpError, noContent, notFound, ok, paginate, validationFailed } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { nodeId, orgActor, type World } from './world.js';

export type TeamRole = 'member' | 'maintainer';
export type TeamPermission = 'pull' | 'triage' | 'push' | 'maintain' | 'admin';
export const TEAM_PERMISSIONS: readonly TeamPermission[] = ['pull', 'triage', 'push', 'maintain', 'admin'];

export interface TeamRecord {
  id: number;
  node_id: string;
  name: string;
  slug: string;
  description: string | null;
  privacy: 'secret' | 'closed';
  notification_setting: 'notifications_enabled' | 'notifications_disabled';
  parentId: number | null;
  created_at: string;
  updated_at: string;
  /** Lower-cased login → role; direct members only. */
  members: Map<string, TeamRole>;
  /** Repository id → permission. */
  repos: Map<number, TeamPermission>;
}

export interface TeamSeed {
  name: string;
  description?: string | null;
  privacy?: 'secret' | 'closed';
  notification_setting?: TeamRecord['notification_setting'];
  parent?: string;
  members?: string[];
  maintainers?: string[];
}

/** GitHub derives a team's slug from its name the way Rails' `parameterize` does. */
export function teamSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

export class TeamStore {
  private readonly bySlug = new Map<string, TeamRecord>();
  private readonly byId = new Map<number, TeamRecord>();

  constructor(private readonly world: World) {}

  add(seed: TeamSeed): TeamRecord {
    const slug = teamSlug(seed.name);
    if (!slug || this.bySlug.has(slug)) throw validationFailed('Team', 'already_exists', 'name', 'Name must be unique for this org');
    const parent = seed.parent === undefined ? undefined : this.require(seed.parent);
    const privacy = seed.privacy ?? (parent ? 'closed' : 'secret');
    if (parent && privacy === 'secret') throw validationFailed('Team', 'invalid', 'privacy', 'A team with a parent cannot be secret');
    const id = this.world.nextId();
    const now = this.world.now();
    const team: TeamRecord = {
      id,
      node_id: nodeId('T', id),
      name: seed.name,
      slug,
      description: seed.description ?? null,
      privacy,
      notification_setting: seed.notification_setting ?? 'notifications_enabled',
      parentId: parent?.id ?? null,
      created_at: now,
      updated_at: now,
      members: new Map(),
      repos: new Map(),
    };
    this.bySlug.set(slug, team);
    this.byId.set(id, team);
    for (const login of seed.members ?? []) team.members.set(this.world.users.add({ login }).login.toLowerCase(), 'member');
    for (const login of seed.maintainers ?? []) team.members.set(this.world.users.add({ login }).login.toLowerCase(), 'maintainer');
    return team;
  }

  get(slug: string): TeamRecord | undefined {
    return this.bySlug.get(slug.toLowerCase());
  }

  getById(id: number): TeamRecord | undefined {
    return this.byId.get(id);
  }

  require(slug: string): TeamRecord {
    const team = this.get(slug);
    if (!team) throw notFound();
    return team;
  }

  list(): TeamRecord[] {
    return [...this.byId.values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
  }

  children(team: TeamRecord): TeamRecord[] {
    return this.list().filter((t) => t.parentId === team.id);
  }

  parent(team: TeamRecord): TeamRecord | undefined {
    return team.parentId === null ? undefined : this.byId.get(team.parentId);
  }

  rename(team: TeamRecord, name: string): void {
    const slug = teamSlug(name);
    const taken = this.bySlug.get(slug);
    if (taken && taken !== team) throw validationFailed('Team', 'already_exists', 'name', 'Name must be unique for this org');
    this.bySlug.delete(team.slug);
    team.name = name;
    team.slug = slug;
    this.bySlug.set(slug, team);
  }

  setParent(team: TeamRecord, parentId: number | null): void {
    if (parentId === null) {
      team.parentId = null;
      return;
    }
    const parent = this.byId.get(parentId);
    if (!parent) throw validationFailed('Team', 'invalid', 'parent_team_id', 'Parent team does not exist');
    for (let p: TeamRecord | undefined = parent; p; p = this.parent(p)) {
      if (p === team) throw validationFailed('Team', 'invalid', 'parent_team_id', 'A team cannot be its own ancestor');
    }
    team.parentId = parentId;
  }

  /** GitHub deletes a parent team's child teams with it. */
  delete(team: TeamRecord): void {
    for (const child of this.children(team)) this.delete(child);
    this.bySlug.delete(team.slug);
    this.byId.delete(team.id);
  }

  /** Every team that grants something on this repository. */
  grants(repo: RepoRecord): Array<{ team: TeamRecord; permission: TeamPermission }> {
    return this.list().flatMap((team) => {
      const permission = team.repos.get(repo.id);
      return permission ? [{ team, permission }] : [];
    });
  }
}

function orgJson(world: World): Record<string, unknown> {
  const org = orgActor(world.org);
  const api = `${world.urls.api}/orgs/${world.org}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId('O', org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: null,
    html_url: `${world.urls.web}/${world.org}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: 'Organization',
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    archived_at: null,
  };
}

/** `team-simple`: what GitHub nests as a team's `parent` and in reviewer lists. */
export function teamSimpleJson(world: World, team: TeamRecord): Record<string, unknown> {
  const api = `${world.urls.api}/organizations/${orgActor(world.org).id}/team/${team.id}`;
  return {
    id: team.id,
    node_id: team.node_id,
    url: api,
    members_url: `${api}/members{/member}`,
    name: team.name,
    description: team.description,
    permission: 'pull',
    privacy: team.privacy,
    notification_setting: team.notification_setting,
    html_url: `${world.urls.web}/orgs/${world.org}/teams/${team.slug}`,
    repositories_url: `${api}/repos`,
    slug: team.slug,
    type: 'organization',
  };
}

/** `team`: list items, with the parent as `team-simple`. */
export function teamJson(world: World, team: TeamRecord): Record<string, unknown> {
  const parent = world.teams.parent(team);
  return { ...teamSimpleJson(world, team), parent: parent ? teamSimpleJson(world, parent) : null };
}

function teamFullJson(world: World, team: TeamRecord): Record<string, unknown> {
  return {
    ...teamJson(world, team),
    created_at: team.created_at,
    updated_at: team.updated_at,
    members_count: team.members.size,
    repos_count: team.repos.size,
    organization: orgJson(world),
  };
}

const NOTIFICATIONS = ['notifications_enabled', 'notifications_disabled'];

function applyTeamSettings(world: World, team: TeamRecord, body: Record<string, unknown>): void {
  if (typeof body.name === 'string') world.teams.rename(team, body.name);
  if (body.description !== undefined) team.description = (body.description as string | null) ?? null;
  if (body.parent_team_id !== undefined) world.teams.setParent(team, (body.parent_team_id as number | null) ?? null);
  if (body.privacy === 'secret' || body.privacy === 'closed') team.privacy = body.privacy;
  if (typeof body.notification_setting === 'string' && NOTIFICATIONS.includes(body.notification_setting)) {
    team.notification_setting = body.notification_setting as TeamRecord['notification_setting'];
  }
  if (team.parentId !== null && team.privacy === 'secret') {
    throw validationFailed('Team', 'invalid', 'privacy', 'A team with a parent cannot be secret');
  }
  team.updated_at = world.now();
}

export function teamRoutes(router: Router, world: World): void {
  const { teams, users, repos } = world;
  const requireOrg = (org: string) => {
    if (org.toLowerCase() !== world.org.toLowerCase()) throw notFound();
  };

  router.get('/orgs/{org}/teams', (req) => {
    requireOrg(req.params.org!);
    return paginate(req, teams.list(), (t) => teamJson(world, t), { apiBase: world.urls.api });
  });

  router.post('/orgs/{org}/teams', (req) => {
    requireOrg(req.params.org!);
    const body = bodyOf(req);
    if (typeof body.name !== 'string') throw validationFailed('Team', 'missing_field', 'name');
    const team = teams.add({ name: body.name });
    try {
      applyTeamSettings(world, team, { ...body, name: undefined, privacy: body.privacy ?? (body.parent_team_id ? 'closed' : 'secret') });
    } catch (error) {
      teams.delete(team);
      throw error;
    }
    return ok(teamFullJson(world, team), 201);
  });

  router.get('/orgs/{org}/teams/{team_slug}', (req) => {
    requireOrg(req.params.org!);
    return ok(teamFullJson(world, teams.require(req.params.team_slug!)));
  });

  router.patch('/orgs/{org}/teams/{team_slug}', (req) => {
    requireOrg(req.params.org!);
    const team = teams.require(req.params.team_slug!);
    applyTeamSettings(world, team, bodyOf(req));
    return ok(teamFullJson(world, team));
  });

  router.delete('/orgs/{org}/teams/{team_slug}', (req) => {
    requireOrg(req.params.org!);
    teams.delete(teams.require(req.params.team_slug!));
    return noContent();
  });

  // "Team members will include the members of child teams"; an invitation is `pending`.
  router.get('/orgs/{org}/teams/{team_slug}/memberships/{username}', (req) => {
    requireOrg(req.params.org!);
    const team = teams.require(req.params.team_slug!);
    const login = req.params.username!.toLowerCase();
    const url = `${world.urls.api}/organizations/${orgActor(world.org).id}/team/${team.id}/memberships/${req.params.username!}`;
    const within = (t: TeamRecord): TeamRole | undefined => t.members.get(login) ?? teams.children(t).map(within).find((r) => r !== undefined);
    const role = within(team);
    if (role) return ok({ url, role, state: 'active' });
    if (users.invitations.some((i) => i.login.toLowerCase() === login && i.teamIds.includes(team.id))) return ok({ url, role: 'member', state: 'pending' });
    throw notFound();
  });

  router.put('/orgs/{org}/teams/{team_slug}/memberships/{username}', (req) => {
    requireOrg(req.params.org!);
    const team = teams.require(req.params.team_slug!);
    const user = users.get(req.params.username!);
    if (!user) throw notFound();
    const role: TeamRole = bodyOf(req).role === 'maintainer' ? 'maintainer' : 'member';
    const url = `${world.urls.api}/organizations/${orgActor(world.org).id}/team/${team.id}/memberships/${user.login}`;
    if (!users.isMember(user.login)) {
      // GitHub invites someone outside the org to it: the membership stays pending until accepted.
      users.invite(user.login, team.id);
      return ok({ url, role, state: 'pending' });
    }
    team.members.set(user.login.toLowerCase(), role);
    return ok({ url, role, state: 'active' });
  });

  router.delete('/orgs/{org}/teams/{team_slug}/memberships/{username}', (req) => {
    requireOrg(req.params.org!);
    const team = teams.require(req.params.team_slug!);
    if (!team.members.delete(req.params.username!.toLowerCase())) throw notFound();
    return noContent();
  });

  router.put('/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}', (req) => {
    requireOrg(req.params.org!);
    const team = teams.require(req.params.team_slug!);
    const repo = repos.require(req.params.owner!, req.params.repo!);
    const permission = (bodyOf(req).permission ?? 'push') as TeamPermission;
    if (!TEAM_PERMISSIONS.includes(permission)) {
      throw new HttpError(422, { message: `Validation Failed: "${String(permission)}" is not a valid permission`, status: '422' });
    }
    team.repos.set(repo.id, permission);
    return noContent();
  });

  router.delete('/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}', (req) => {
    requireOrg(req.params.org!);
    const team = teams.require(req.params.team_slug!);
    team.repos.delete(repos.require(req.params.owner!, req.params.repo!).id);
    return noContent();
  });
}
