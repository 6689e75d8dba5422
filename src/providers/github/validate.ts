import type { Diagnostic } from '../../core/diagnostics.js';
import { resourceKey, type DesiredResource } from '../../core/resource.js';
import type { GitHubContext, GitHubKind } from './kind.js';
import { orgMemberLogins } from './member/read.js';
import { toGitHubError } from './shared/errors.js';
import { graphqlAllowingMissing } from './shared/graphql-partial.js';
import { listAll } from './shared/lists.js';
import type { Reference } from './shared/references.js';

/** A reference with the resource that makes it, for the diagnostic's line. */
interface Named extends Reference {
  resource: DesiredResource;
}

function diagnostic(resource: DesiredResource, code: string, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { severity, code, message, location: resource.source, resource: resourceKey(resource) };
}

const USERS_PER_QUERY = 50;

/** Which of these logins exist on GitHub: one GraphQL query per 50 logins. */
async function existingUsers(ctx: GitHubContext, logins: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < logins.length; start += USERS_PER_QUERY) {
    const batch = logins.slice(start, start + USERS_PER_QUERY);
    const variables = Object.fromEntries(batch.map((login, i) => [`l${i}`, login]));
    const query = `query ConvergeUsers(${batch.map((_, i) => `$l${i}: String!`).join(', ')}) {\n${batch.map((_, i) => `u${i}: user(login: $l${i}) { login }`).join('\n')}\n}`;
    const answer = await graphqlAllowingMissing<Record<string, { login: string } | null>>(ctx, query, variables);
    batch.forEach((login, i) => {
      if (answer[`u${i}`]) found.add(login);
    });
  }
  return found;
}

/** Runs one lookup; when GitHub cannot answer, says so as a warning instead of failing the plan. */
async function checked<T>(what: string, problems: Diagnostic[], first: DesiredResource, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    const reason = toGitHubError(error, undefined, 'read').message;
    problems.push(diagnostic(first, 'github.validate-skipped', `Could not check that the ${what} named in the config exist (${reason}); they are checked when applied.`, 'warning'));
    return undefined;
  }
}

/**
 * Before anything is read or written: every team, user and app the config names must exist (or, for teams, be declared in this change),
 * and people added to teams must already be org members, since GitHub would invite them. The
 * kinds say what their resources name (`references`); this checks them all in a few requests.
 * Each problem is a diagnostic on the resource's line.
 */
export async function validateResources(ctx: GitHubContext, kinds: ReadonlyMap<string, GitHubKind<any>>, resources: DesiredResource[]): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  const named = resources.flatMap((resource): Named[] => (kinds.get(resource.kind)?.references?.(resource) ?? []).map((ref) => ({ ...ref, resource })));
  if (named.length === 0) return problems;
  const first = named[0]!.resource;
  // A team declared in this change may not exist yet: it is created before what names it.
  const declared = new Set(
    resources.flatMap((r) => {
      const type = kinds.get(r.kind)?.referencedAs;
      return type ? [`${type}:${r.name}`] : [];
    }),
  );
  const refs = named.filter((ref) => !declared.has(`${ref.type}:${ref.name}`));

  const teamRefs = refs.filter((r) => r.type === 'team');
  if (teamRefs.length > 0) {
    const teams = await checked('teams', problems, first, async () => new Set(((await listAll<{ slug: string }>(ctx, 'GET /orgs/{org}/teams', { org: ctx.org })) ?? []).map((t) => t.slug)));
    for (const ref of teams ? teamRefs.filter((r) => !teams.has(r.name)) : []) {
      problems.push(diagnostic(ref.resource, 'github.unknown-team', `Team "${ref.name}" does not exist in ${ctx.org} and is not declared, so it cannot be ${ref.role}.`));
    }
  }

  const userRefs = refs.filter((r) => r.type === 'user');
  if (userRefs.length > 0) {
    const logins = [...new Set(userRefs.map((r) => r.name))];
    const users = await checked('users', problems, first, () => existingUsers(ctx, logins));
    const needMembers = userRefs.some((r) => r.membership !== undefined);
    const members = needMembers ? await checked('org members', problems, first, () => orgMemberLogins(ctx)) : undefined;
    for (const ref of userRefs) {
      if (users && !users.has(ref.name)) {
        problems.push(diagnostic(ref.resource, 'github.unknown-user', `User "${ref.name}" does not exist on GitHub, so they cannot be ${ref.role}.`));
      } else if (members && !members.has(ref.name) && ref.membership === 'required') {
        problems.push(
          diagnostic(ref.resource, 'github.not-org-member', `User "${ref.name}" is not a member of ${ctx.org}, so they cannot be ${ref.role}: GitHub would invite them, and Converge never invites. Invite them on GitHub first.`),
        );
      } else if (members && !members.has(ref.name) && ref.membership === 'declared') {
        problems.push(
          diagnostic(ref.resource, 'github.member-missing', `User "${ref.name}" is declared as a member of ${ctx.org} but is not one; Converge never invites: invite them on GitHub, or remove the declaration.`, 'warning'),
        );
      }
    }
  }

  const appRefs = refs.filter((r) => r.type === 'app');
  for (const slug of [...new Set(appRefs.map((r) => r.name))]) {
    const result = await checked('apps', problems, first, async () => ({ app: await ctx.lookups.app(slug) }));
    if (!result || result.app) continue;
    for (const ref of appRefs.filter((r) => r.name === slug)) {
      problems.push(diagnostic(ref.resource, 'github.unknown-app', `GitHub App "${slug}" does not exist, so it cannot be ${ref.role}.`));
    }
  }
  return problems;
}
