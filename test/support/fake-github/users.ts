/**
 * Users, GitHub Apps and the org's membership: who exists, who belongs to the org (and with
 * which role), and who was invited. Logins are looked up case-insensitively, as GitHub does.
 */
import { notFound, ok, paginate } from './http.js';
import type { Router } from './router.js';
import { nodeId, orgActor, userJson, type Actor, type World } from './world.js';

export interface UserRecord {
  id: number;
  login: string;
}

export type OrgRole = 'admin' | 'member';

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
}

/** An org invitation: what GitHub sends when someone outside the org is added to a team. */
export interface OrgInvitationRecord {
  login: string;
  role: OrgRole;
  teamIds: number[];
}

export class UserStore {
  private readonly byLogin = new Map<string, UserRecord>();
  private readonly byId = new Map<number, UserRecord>();
  /** Lower-cased login → role in the fake's org. */
  private readonly roles = new Map<string, OrgRole>();
  private readonly appsBySlug = new Map<string, AppRecord>();
  private readonly appsById = new Map<number, AppRecord>();
  readonly invitations: OrgInvitationRecord[] = [];

  constructor(private readonly world: World) {}

  add(seed: { login: string; id?: number }): UserRecord {
    const existing = this.get(seed.login);
    if (existing) return existing;
    const user = { id: seed.id ?? this.world.nextId(), login: seed.login };
    this.byLogin.set(user.login.toLowerCase(), user);
    this.byId.set(user.id, user);
    return user;
  }

  get(login: string): UserRecord | undefined {
    return this.byLogin.get(login.toLowerCase());
  }

  getById(id: number): UserRecord | undefined {
    return this.byId.get(id);
  }

  require(login: string): UserRecord {
    const user = this.get(login);
    if (!user) throw notFound();
    return user;
  }

  /** Makes an existing user a member of the org (undefined removes them). */
  setRole(login: string, role: OrgRole | undefined): void {
    const user = this.add({ login });
    if (role) this.roles.set(user.login.toLowerCase(), role);
    else this.roles.delete(user.login.toLowerCase());
  }

  role(login: string): OrgRole | undefined {
    return this.roles.get(login.toLowerCase());
  }

  isMember(login: string): boolean {
    return this.roles.has(login.toLowerCase());
  }

  /** Org members in id order, optionally only one role. */
  members(role: 'all' | OrgRole = 'all'): UserRecord[] {
    return [...this.roles]
      .filter(([, r]) => role === 'all' || r === role)
      .map(([login]) => this.byLogin.get(login)!)
      .sort((a, b) => a.id - b.id);
  }

  invite(login: string, teamId: number): void {
    const existing = this.invitations.find((i) => i.login.toLowerCase() === login.toLowerCase());
    if (existing) existing.teamIds.push(teamId);
    else this.invitations.push({ login, role: 'member', teamIds: [teamId] });
  }

  addApp(seed: { slug: string; name?: string; id?: number }): AppRecord {
    const app = { id: seed.id ?? this.world.nextId(), slug: seed.slug, name: seed.name ?? seed.slug };
    this.appsBySlug.set(app.slug.toLowerCase(), app);
    this.appsById.set(app.id, app);
    return app;
  }

  app(slug: string): AppRecord | undefined {
    return this.appsBySlug.get(slug.toLowerCase());
  }

  appById(id: number): AppRecord | undefined {
    return this.appsById.get(id);
  }
}

export const userActor = (user: UserRecord): Actor => ({ login: user.login, id: user.id, type: 'User' });

/** `simple-user` for a user record. */
export function simpleUserJson(world: World, user: UserRecord): Record<string, unknown> {
  return userJson(world, userActor(user));
}

function publicUserJson(world: World, user: UserRecord): Record<string, unknown> {
  return {
    ...simpleUserJson(world, user),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
  };
}

export function appJson(world: World, app: AppRecord): Record<string, unknown> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('A', app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
    owner: userJson(world, orgActor(world.org)),
    name: app.name,
    description: null,
    external_url: `https://${app.slug}.example.com`,
    html_url: `${world.urls.web}/apps/${app.slug}`,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    permissions: { metadata: 'read' },
    events: [],
  };
}

export function userRoutes(router: Router, world: World): void {
  const { users } = world;
  const requireOrg = (org: string) => {
    if (org.toLowerCase() !== world.org.toLowerCase()) throw notFound();
  };

  router.get('/users/{username}', (req) => ok(publicUserJson(world, users.require(req.params.username!))));

  router.get('/user/{account_id}', (req) => {
    const user = users.getById(Number(req.params.account_id));
    if (!user) throw notFound();
    return ok(publicUserJson(world, user));
  });

  router.get('/apps/{app_slug}', (req) => {
    const app = users.app(req.params.app_slug!);
    if (!app) throw notFound();
    return ok(appJson(world, app));
  });

  router.get('/orgs/{org}/memberships/{username}', (req) => {
    requireOrg(req.params.org!);
    const user = users.require(req.params.username!);
    const role = users.role(user.login);
    const invited = users.invitations.some((i) => i.login.toLowerCase() === user.login.toLowerCase());
    if (!role && !invited) throw notFound();
    const api = `${world.urls.api}/orgs/${world.org}`;
    const org = orgActor(world.org);
    return ok({
      url: `${api}/memberships/${user.login}`,
      state: role ? 'active' : 'pending',
      role: role ?? 'member',
      organization_url: api,
      organization: {
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
      },
      user: simpleUserJson(world, user),
    });
  });

  router.get('/orgs/{org}/members', (req) => {
    requireOrg(req.params.org!);
    const role = (req.query.role ?? 'all') as 'all' | OrgRole;
    return paginate(req, users.members(role), (u) => simpleUserJson(world, u), { apiBase: world.urls.api });
  });
}
