/**
 * Direct repository collaborators and repository invitations. As on GitHub, adding someone
 * who is not in the org sends an invitation; they become a collaborator once they accept.
 */
import { bodyOf, HttpError, noContent, notFound, ok, paginate } from './http.js';
import { repoJson } from './repo-json.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { TEAM_PERMISSIONS, type TeamPermission } from './teams.js';
import { simpleUserJson, type UserRecord } from './users.js';
import { nodeId, userJson, type World } from './world.js';

export interface InvitationRecord {
  id: number;
  login: string;
  permission: TeamPermission;
  created_at: string;
}

/** The role names GitHub reports (`role_name`, invitation `permissions`) for each permission. */
const ROLE_NAME: Record<TeamPermission, string> = { pull: 'read', triage: 'triage', push: 'write', maintain: 'maintain', admin: 'admin' };
const RANK: TeamPermission[] = ['pull', 'triage', 'push', 'maintain', 'admin'];

export class CollaboratorStore {
  /** Repository id → lower-cased login → permission. */
  private readonly direct = new Map<number, Map<string, TeamPermission>>();
  private readonly invites = new Map<number, Map<number, InvitationRecord>>();

  constructor(private readonly world: World) {}

  private directOf(repo: RepoRecord): Map<string, TeamPermission> {
    let map = this.direct.get(repo.id);
    if (!map) this.direct.set(repo.id, (map = new Map()));
    return map;
  }

  private invitesOf(repo: RepoRecord): Map<number, InvitationRecord> {
    let map = this.invites.get(repo.id);
    if (!map) this.invites.set(repo.id, (map = new Map()));
    return map;
  }

  set(repo: RepoRecord, login: string, permission: TeamPermission): void {
    this.directOf(repo).set(this.world.users.add({ login }).login.toLowerCase(), permission);
  }

  list(repo: RepoRecord): Array<{ user: UserRecord; permission: TeamPermission }> {
    return [...this.directOf(repo)]
      .map(([login, permission]) => ({ user: this.world.users.get(login)!, permission }))
      .sort((a, b) => a.user.id - b.user.id);
  }

  remove(repo: RepoRecord, login: string): void {
    this.directOf(repo).delete(login.toLowerCase());
  }

  invitations(repo: RepoRecord): InvitationRecord[] {
    return [...this.invitesOf(repo).values()];
  }

  invite(repo: RepoRecord, login: string, permission: TeamPermission): InvitationRecord {
    const existing = this.invitations(repo).find((i) => i.login.toLowerCase() === login.toLowerCase());
    if (existing) {
      existing.permission = permission;
      return existing;
    }
    const invitation = { id: this.world.nextId(), login, permission, created_at: this.world.now() };
    this.invitesOf(repo).set(invitation.id, invitation);
    return invitation;
  }

  invitation(repo: RepoRecord, id: number): InvitationRecord | undefined {
    return this.invitesOf(repo).get(id);
  }

  dropInvitation(repo: RepoRecord, id: number): boolean {
    return this.invitesOf(repo).delete(id);
  }

  /** The invitee accepts (test helper): the invitation becomes a direct collaborator. */
  accept(repo: RepoRecord, login: string): void {
    const invitation = this.invitations(repo).find((i) => i.login.toLowerCase() === login.toLowerCase());
    if (!invitation) throw new Error(`${login} has no invitation to ${repo.name}`);
    this.dropInvitation(repo, invitation.id);
    this.set(repo, login, invitation.permission);
  }
}

function permissionsJson(permission: TeamPermission): Record<string, boolean> {
  const rank = RANK.indexOf(permission);
  return Object.fromEntries(RANK.map((p, i) => [p, i <= rank]));
}

function invitationJson(world: World, repo: RepoRecord, invitation: InvitationRecord): Record<string, unknown> {
  const user = world.users.get(invitation.login)!;
  return {
    id: invitation.id,
    node_id: nodeId('RI', invitation.id),
    repository: repoJson(world, repo, 'minimal'),
    invitee: simpleUserJson(world, user),
    inviter: userJson(world, world.bot),
    permissions: ROLE_NAME[invitation.permission],
    created_at: invitation.created_at,
    expired: false,
    url: `${world.urls.api}/user/repository_invitations/${invitation.id}`,
    html_url: `${world.urls.web}/${repo.owner}/${repo.name}/invitations`,
  };
}

const INVITATION_PERMISSION: Record<string, TeamPermission> = { read: 'pull', triage: 'triage', write: 'push', maintain: 'maintain', admin: 'admin' };

export function collaboratorRoutes(router: Router, world: World): void {
  const { repos, collaborators, users } = world;
  const permissionOf = (value: unknown): TeamPermission => {
    const permission = (value ?? 'push') as TeamPermission;
    if (!TEAM_PERMISSIONS.includes(permission)) throw new HttpError(422, { message: `"${String(value)}" is not a valid permission.`, status: '422' });
    return permission;
  };

  router.get('/repos/{owner}/{repo}/collaborators', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    const affiliation = req.query.affiliation ?? 'all';
    let list = collaborators.list(repo);
    if (affiliation === 'outside') list = list.filter((c) => !users.isMember(c.user.login));
    else if (affiliation === 'all') {
      // Also everyone with access through a team (the highest permission wins).
      const byLogin = new Map(list.map((c) => [c.user.login.toLowerCase(), c]));
      for (const { team, permission } of world.teams.grants(repo)) {
        for (const login of team.members.keys()) {
          const current = byLogin.get(login);
          if (!current || RANK.indexOf(current.permission) < RANK.indexOf(permission)) byLogin.set(login, { user: users.get(login)!, permission });
        }
      }
      list = [...byLogin.values()].sort((a, b) => a.user.id - b.user.id);
    }
    return paginate(
      req,
      list,
      ({ user, permission }) => ({ ...simpleUserJson(world, user), permissions: permissionsJson(permission), role_name: ROLE_NAME[permission] }),
      { apiBase: world.urls.api },
    );
  });

  // The effective permission: org admins have admin; otherwise the highest of a direct grant and
  // the user's teams' grants; else read on a public repository. A login the fake does not know
  // is any GitHub user without access (issue and comment authors are not registered users).
  router.get('/repos/{owner}/{repo}/collaborators/{username}/permission', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    const login = req.params.username!;
    const user = users.get(login) ?? { id: 5000 + login.length, login };
    const granted: TeamPermission[] = [
      ...(users.role(login) === 'admin' ? (['admin'] as const) : []),
      ...collaborators.list(repo).filter((c) => c.user.login.toLowerCase() === login.toLowerCase()).map((c) => c.permission),
      ...world.teams.grants(repo).filter((g) => g.team.members.has(login.toLowerCase())).map((g) => g.permission),
    ];
    const best = granted.sort((a, b) => RANK.indexOf(b) - RANK.indexOf(a))[0] ?? (repo.private ? undefined : 'pull');
    // The legacy `permission` folds maintain into write and triage into read.
    const legacy = best === undefined ? 'none' : best === 'admin' ? 'admin' : best === 'push' || best === 'maintain' ? 'write' : 'read';
    const roleName = best === undefined ? 'none' : ROLE_NAME[best];
    return ok({
      permission: legacy,
      role_name: roleName,
      user: { ...simpleUserJson(world, user), ...(best ? { permissions: permissionsJson(best) } : {}), role_name: roleName },
    });
  });

  router.put('/repos/{owner}/{repo}/collaborators/{username}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const user = users.get(req.params.username!);
    if (!user) throw notFound();
    const permission = permissionOf(bodyOf(req).permission);
    const isDirect = collaborators.list(repo).some((c) => c.user.id === user.id);
    if (isDirect || users.isMember(user.login)) {
      collaborators.set(repo, user.login, permission);
      return noContent();
    }
    return ok(invitationJson(world, repo, collaborators.invite(repo, user.login, permission)), 201);
  });

  router.delete('/repos/{owner}/{repo}/collaborators/{username}', (req) => {
    collaborators.remove(repos.requireWritable(req.params.owner!, req.params.repo!), req.params.username!);
    return noContent();
  });

  router.get('/repos/{owner}/{repo}/invitations', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    return paginate(req, collaborators.invitations(repo), (i) => invitationJson(world, repo, i), { apiBase: world.urls.api });
  });

  router.patch('/repos/{owner}/{repo}/invitations/{invitation_id}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const invitation = collaborators.invitation(repo, Number(req.params.invitation_id));
    if (!invitation) throw notFound();
    const given = bodyOf(req).permissions;
    if (given !== undefined) {
      const permission = INVITATION_PERMISSION[String(given)];
      if (!permission) throw new HttpError(422, { message: `"${String(given)}" is not a valid permission.`, status: '422' });
      invitation.permission = permission;
    }
    return ok(invitationJson(world, repo, invitation));
  });

  router.delete('/repos/{owner}/{repo}/invitations/{invitation_id}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    if (!collaborators.dropInvitation(repo, Number(req.params.invitation_id))) throw notFound();
    return noContent();
  });
}
