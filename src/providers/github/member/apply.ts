import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import type { GitHubContext } from '../kind.js';

/**
 * Org membership is reported, never changed: inviting, removing or promoting people is too
 * consequential to follow from a merged YAML file in this version. Every change fails with
 * what to do instead, so it shows in the run's results.
 */
export async function applyMember(change: Change, ctx: GitHubContext): Promise<void> {
  if (change.action === 'noop') return;
  const resource = resourceKey(change);
  const login = change.name;
  const what = {
    create: `${login} is not a member of ${ctx.org}, and Converge never invites people: invite them on GitHub, or remove the declaration.`,
    update: `${login}'s role in ${ctx.org} differs from the config, and Converge never changes org roles: change it on GitHub, or in the config.`,
    rename: `org members cannot be renamed.`,
    delete: `${login} is a member of ${ctx.org} that the config does not declare, and Converge never removes people: remove them on GitHub, or declare them as github.member.`,
  }[change.action];
  throw new RejectedError(`${resource}: ${what}`, { resource });
}
