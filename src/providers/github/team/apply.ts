import { RejectedError, RetryableError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { statusOf } from '../shared/errors.js';
import { compact, specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { deleteIfPresent, neitherExists, writeTo } from '../shared/write.js';
import type { Team } from './schema.js';

const TEAM = '/orgs/{org}/teams/{team_slug}';

interface RestTeam {
  slug: string;
}

async function settingsBody(ctx: GitHubContext, change: Change, spec: Partial<Team>): Promise<Record<string, unknown>> {
  let parentId: number | null | undefined;
  if (spec.parent === null) parentId = null;
  else if (spec.parent !== undefined) {
    // A parent created or renamed in the same step: wait for it rather than race it.
    await ctx.inFlight.get(`team:${spec.parent}`)?.catch(() => undefined);
    const parent = await ctx.lookups.team(spec.parent);
    if (!parent) {
      // Validation checked it is declared or exists; it may be created later in this run.
      throw new RetryableError(`${resourceKey(change)}: parent team "${spec.parent}" does not exist (yet).`, { resource: resourceKey(change) });
    }
    parentId = parent.id;
  }
  return compact({
    name: spec.name,
    description: spec.description,
    privacy: spec.privacy,
    notification_setting: spec.notifications === undefined ? undefined : spec.notifications ? 'notifications_enabled' : 'notifications_disabled',
    parent_team_id: parentId,
  });
}

/** GitHub invites anyone outside the org who is added to a team: refuse instead of inviting. */
async function requireOrgMember(ctx: GitHubContext, change: Change, login: string): Promise<void> {
  const membership = await ctx.api.get<{ state: string }>('GET /orgs/{org}/memberships/{username}', { org: ctx.org, username: login });
  if (membership?.data.state !== 'active') {
    const resource = resourceKey(change);
    throw new RejectedError(`${resource}: ${login} is not a member of ${ctx.org}; Converge never invites people to the org. Invite them on GitHub first.`, { resource });
  }
}

/**
 * Membership writes for the lists that changed: add or change the role of everyone listed,
 * remove whoever holds a managed role without being listed. An unmanaged list is left alone.
 */
async function syncMembers(ctx: GitHubContext, change: Change, slug: string, changed: Partial<Team>): Promise<void> {
  if (changed.members === undefined && changed.maintainers === undefined) return;
  const actual = (change.actual ?? {}) as Team;
  const live = new Map<string, 'member' | 'maintainer'>([
    ...(actual.members ?? []).map((l) => [l, 'member'] as const),
    ...(actual.maintainers ?? []).map((l) => [l, 'maintainer'] as const),
  ]);
  const wanted = new Map<string, 'member' | 'maintainer'>([
    ...(changed.members ?? []).map((l) => [l, 'member'] as const),
    ...(changed.maintainers ?? []).map((l) => [l, 'maintainer'] as const),
  ]);
  const managed = (role: 'member' | 'maintainer') => (role === 'member' ? changed.members : changed.maintainers) !== undefined;
  for (const [login, role] of wanted) {
    if (live.get(login) === role) continue;
    if (!live.has(login)) await requireOrgMember(ctx, change, login);
    await writeTo(ctx, change, 'PUT /orgs/{org}/teams/{team_slug}/memberships/{username}', { org: ctx.org, team_slug: slug, username: login, role });
  }
  for (const [login, role] of live) {
    if (wanted.has(login) || !managed(role)) continue;
    await deleteIfPresent(ctx, change, 'DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}', { org: ctx.org, team_slug: slug, username: login });
  }
}

function checkSlug(change: Change, got: RestTeam): void {
  if (got.slug === change.name) return;
  const resource = resourceKey(change);
  throw new RejectedError(`${resource}: GitHub gave the team the slug "${got.slug}", not "${change.name}": name the resource "${got.slug}" or change spec.name.`, { resource });
}

async function create(change: Change, ctx: GitHubContext): Promise<void> {
  const changed = specFromFields<Team>(change.fields);
  const body = await settingsBody(ctx, change, { ...changed, name: changed.name ?? change.name });
  try {
    checkSlug(change, await writeTo<RestTeam>(ctx, change, 'POST /orgs/{org}/teams', { org: ctx.org, ...body }));
  } catch (error) {
    // Created by an earlier apply: make the existing team match instead.
    if (statusOf(error) !== 422 || !(await ctx.api.get(`GET ${TEAM}`, { org: ctx.org, team_slug: change.name }))) throw error;
    await writeTo(ctx, change, `PATCH ${TEAM}`, { org: ctx.org, team_slug: change.name, ...body });
  }
  await syncMembers(ctx, change, change.name, changed);
}

async function update(change: Change, ctx: GitHubContext, slug: string, changed: Partial<Team>): Promise<void> {
  const { members: _m, maintainers: _x, ...settings } = changed;
  const body = await settingsBody(ctx, change, settings);
  if (Object.keys(body).length > 0) await writeTo(ctx, change, `PATCH ${TEAM}`, { org: ctx.org, team_slug: slug, ...body });
  await syncMembers(ctx, change, slug, changed);
}

/** A rename is a PATCH of the name; GitHub derives the new slug from it and keeps the team's id. */
async function rename(change: Change, ctx: GitHubContext): Promise<void> {
  const changed = specFromFields<Team>(change.fields);
  const { members: _m, maintainers: _x, ...settings } = changed;
  const name = (change.desired as Team | undefined)?.name ?? change.name;
  const body = await settingsBody(ctx, change, { ...settings, name });
  try {
    checkSlug(change, await writeTo<RestTeam>(ctx, change, `PATCH ${TEAM}`, { org: ctx.org, team_slug: change.fromName!, ...body }));
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    // Renamed by an earlier apply: then the new slug exists.
    if (!(await ctx.api.get(`GET ${TEAM}`, { org: ctx.org, team_slug: change.name }))) throw neitherExists(change, `in ${ctx.org}`);
    return update(change, ctx, change.name, changed);
  }
  await syncMembers(ctx, change, change.name, changed);
}

export function applyTeam(change: Change, ctx: GitHubContext): Promise<void> {
  const running = applyTeamChange(change, ctx);
  if (change.action !== 'delete') ctx.inFlight.set(`team:${change.name}`, running);
  return running;
}

async function applyTeamChange(change: Change, ctx: GitHubContext): Promise<void> {
  switch (change.action) {
    case 'create':
      return create(change, ctx);
    case 'update':
      return update(change, ctx, change.name, specFromFields<Team>(change.fields));
    case 'rename':
      return rename(change, ctx);
    case 'delete':
      return deleteIfPresent(ctx, change, `DELETE ${TEAM}`, { org: ctx.org, team_slug: change.name });
    case 'noop':
      return;
  }
}
