import type { ReadResult } from '../../../core/provider.js';
import type { ResourceRef } from '../../../core/resource.js';
import { readChildren, readChildrenOfEveryRepository, type ChildLister } from '../shared/children.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { listAll } from '../shared/lists.js';
import { permissionOf } from '../shared/permissions.js';

interface RestCollaborator {
  login: string;
  role_name?: string;
  permissions?: Record<string, boolean>;
}

export interface RestInvitation {
  id: number;
  invitee: { login: string } | null;
  permissions: string;
  expired?: boolean;
}

export interface LiveCollaborator {
  login: string;
  permission: string;
  /** Set while the invitation is not accepted yet. */
  invitationId?: number;
}

const RANK = ['admin', 'maintain', 'push', 'triage', 'pull'];

function permissionFrom(c: RestCollaborator): string {
  if (c.role_name) return permissionOf(c.role_name);
  return RANK.find((p) => c.permissions?.[p]) ?? 'pull';
}

export async function pendingInvitations(ctx: GitHubContext, repo: string): Promise<RestInvitation[]> {
  const invitations = (await listAll<RestInvitation>(ctx, 'GET /repos/{owner}/{repo}/invitations', { owner: ctx.org, repo })) ?? [];
  return invitations.filter((i) => i.invitee && !i.expired);
}

/**
 * Direct collaborators (outside collaborators and members given access directly) and open
 * invitations: two conditional lists per repository.
 */
async function listCollaborators(repo: string, ctx: GitHubContext): Promise<LiveCollaborator[] | undefined> {
  const direct = await listAll<RestCollaborator>(ctx, 'GET /repos/{owner}/{repo}/collaborators', { owner: ctx.org, repo, affiliation: 'direct' });
  if (!direct) return undefined;
  const live = new Map(direct.map((c) => [c.login.toLowerCase(), { login: c.login.toLowerCase(), permission: permissionFrom(c) } as LiveCollaborator]));
  for (const invitation of await pendingInvitations(ctx, repo)) {
    const login = invitation.invitee!.login.toLowerCase();
    if (!live.has(login)) live.set(login, { login, permission: permissionOf(invitation.permissions), invitationId: invitation.id });
  }
  return [...live.values()];
}

const collaborators: ChildLister<LiveCollaborator> = {
  noun: 'collaborator',
  list: listCollaborators,
  key: (c) => c.login,
  spec: (c) => ({ permission: c.permission }),
};

export function readCollaborators(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  return readChildren(refs, ctx, collaborators);
}

export const repositoryCollaborators: BulkRead = {
  readAll: (_kinds, ctx) => readChildrenOfEveryRepository('github.collaborator', ctx, collaborators),
};
