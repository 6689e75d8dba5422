import type { Change } from '../../../core/plan-types.js';
import type { GitHubContext } from '../kind.js';
import { INVITATION_ROLE, type Permission } from '../shared/permissions.js';
import { childOf, deleteIfPresent, requireParentRename, writeTo } from '../shared/write.js';
import { pendingInvitations } from './read.js';
import type { Collaborator } from './schema.js';

/**
 * Adding someone outside the org sends an invitation; until it is accepted, a permission
 * change goes to the invitation (PUT on the collaborator would not reach it).
 */
export async function applyCollaborator(change: Change, ctx: GitHubContext): Promise<void> {
  const { parent: repo, child: login } = childOf(change);
  const permission = (change.desired as Collaborator | undefined)?.permission as Permission;
  const invitation = async () => (await pendingInvitations(ctx, repo)).find((i) => i.invitee!.login.toLowerCase() === login);
  const setPermission = async () => {
    const pending = await invitation();
    if (pending) {
      await writeTo(ctx, change, 'PATCH /repos/{owner}/{repo}/invitations/{invitation_id}', { owner: ctx.org, repo, invitation_id: pending.id, permissions: INVITATION_ROLE[permission] });
    } else {
      await writeTo(ctx, change, 'PUT /repos/{owner}/{repo}/collaborators/{username}', { owner: ctx.org, repo, username: login, permission });
    }
  };
  switch (change.action) {
    case 'create':
      await writeTo(ctx, change, 'PUT /repos/{owner}/{repo}/collaborators/{username}', { owner: ctx.org, repo, username: login, permission });
      return;
    case 'rename':
      // The repository's rename moved the access; only its permission may differ.
      requireParentRename(change, 'collaborator');
      return setPermission();
    case 'update':
      return setPermission();
    case 'delete': {
      const pending = await invitation();
      if (pending) await deleteIfPresent(ctx, change, 'DELETE /repos/{owner}/{repo}/invitations/{invitation_id}', { owner: ctx.org, repo, invitation_id: pending.id });
      await deleteIfPresent(ctx, change, 'DELETE /repos/{owner}/{repo}/collaborators/{username}', { owner: ctx.org, repo, username: login });
      return;
    }
    case 'noop':
      return;
  }
}
