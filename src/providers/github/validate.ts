import type { Diagnostic } from '../../core/diagnostics.js';
import { resourceKey, type DesiredResource } from '../../core/resource.js';
import type { BranchProtection } from './branch-protection/schema.js';
import type { Environment } from './environment/schema.js';
import { toGitHubError } from './errors.js';
import { graphqlAllowingMissing } from './graphql-partial.js';
import type { GitHubContext } from './kind.js';
import { listAll } from './lists.js';
import { orgMemberLogins } from './member/read.js';
import { slugOf, splitChildName } from './names.js';
import type { OrgRuleset } from './ruleset/schema.js';
import type { Team } from './team/schema.js';

/** A team, user or app a resource names, and in which role (for the sentence). */
interface Reference {
  type: 'team' | 'user' | 'app';
  name: string;
  /** What the reference is for, completing "… so it cannot be <role>". */
  role: string;
  resource: DesiredResource;
  /** Adding this user would invite them to the org: they must be a member already. */
  mustBeMember?: boolean;
}

function referencesOf(resource: DesiredResource): Reference[] {
  const refs: Reference[] = [];
  const add = (type: Reference['type'], names: readonly string[] | undefined, role: string, mustBeMember = false) => {
    for (const name of names ?? []) refs.push({ type, name, role, resource, mustBeMember });
  };
  const child = splitChildName(resource.name);
  switch (resource.kind) {
    case 'github.team': {
      const spec = resource.spec as Team;
      if (spec.parent) add('team', [spec.parent], `the parent of team "${resource.name}"`);
      add('user', spec.members, `a member of team "${resource.name}"`, true);
      add('user', spec.maintainers, `a maintainer of team "${resource.name}"`, true);
      break;
    }
    case 'github.team-repository':
      if (child) add('team', [child.parent], `given access to repository "${child.child}"`);
      break;
    case 'github.collaborator':
      if (child) add('user', [child.child], `a collaborator on repository "${child.parent}"`);
      break;
    case 'github.member':
      add('user', [resource.name], `a member of the org`);
      break;
    case 'github.branch-protection': {
      const spec = resource.spec as BranchProtection;
      const where = `allowed to push to "${resource.name}"`;
      add('user', spec.restrictions?.users, where);
      add('team', spec.restrictions?.teams, where);
      add('app', spec.restrictions?.apps, where);
      add('app', spec.requiredStatusChecks?.checks?.flatMap((c) => (c.app ? [c.app] : [])), `the app reporting a required check of "${resource.name}"`);
      break;
    }
    case 'github.environment': {
      const spec = resource.spec as Environment;
      add('user', spec.reviewers?.users, `a reviewer of environment "${resource.name}"`);
      add('team', spec.reviewers?.teams, `a reviewer of environment "${resource.name}"`);
      break;
    }
    case 'github.ruleset':
    case 'github.org-ruleset': {
      const actors = (resource.spec as OrgRuleset).bypassActors ?? [];
      add('team', actors.flatMap((a) => (a.type === 'team' ? [a.name] : [])), `allowed to bypass ruleset "${resource.name}"`);
      add('user', actors.flatMap((a) => (a.type === 'user' ? [a.name] : [])), `allowed to bypass ruleset "${resource.name}"`);
      break;
    }
  }
  return refs;
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
 * Before anything is read or written: every team, user and app the config names must exist
 * (or, for teams, be declared in this change), and people added to teams must already be org
 * members, since GitHub would invite them. Each problem is a diagnostic on the resource's line.
 */
export async function validateReferences(ctx: GitHubContext, resources: DesiredResource[]): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  for (const resource of resources) {
    const name = resource.kind === 'github.team' ? (resource.spec as Team).name : undefined;
    if (name !== undefined && slugOf(name) !== resource.name) {
      problems.push(
        diagnostic(resource, 'github.team-slug', `Team name "${name}" gives the slug "${slugOf(name)}", not "${resource.name}": GitHub derives a team's slug from its name, so rename the resource or change spec.name.`),
      );
    }
  }
  const refs = resources.flatMap(referencesOf);
  if (refs.length === 0) return problems;
  const first = refs[0]!.resource;
  const declaredTeams = new Set(resources.filter((r) => r.kind === 'github.team').map((r) => r.name));

  const teamRefs = refs.filter((r) => r.type === 'team' && !declaredTeams.has(r.name));
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
    const needMembers = userRefs.some((r) => r.mustBeMember || r.resource.kind === 'github.member');
    const members = needMembers ? await checked('org members', problems, first, () => orgMemberLogins(ctx)) : undefined;
    for (const ref of userRefs) {
      if (users && !users.has(ref.name)) {
        problems.push(diagnostic(ref.resource, 'github.unknown-user', `User "${ref.name}" does not exist on GitHub, so they cannot be ${ref.role}.`));
      } else if (members && !members.has(ref.name) && ref.mustBeMember) {
        problems.push(
          diagnostic(ref.resource, 'github.not-org-member', `User "${ref.name}" is not a member of ${ctx.org}, so they cannot be ${ref.role}: GitHub would invite them, and Converge never invites. Invite them on GitHub first.`),
        );
      } else if (members && !members.has(ref.name) && ref.resource.kind === 'github.member') {
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
