import { diffSpecs } from '../../../core/diff.js';
import { RejectedError } from '../../../core/errors.js';
import type { Change } from '../../../core/plan-types.js';
import { resourceKey } from '../../../core/resource.js';
import { statusOf } from '../shared/errors.js';
import { specFromFields } from '../shared/fields.js';
import type { GitHubContext } from '../kind.js';
import { isWriteRedirected } from '../shared/moved.js';
import { deleteIfPresent, writeTo } from '../shared/write.js';
import { getRepository } from './read.js';
import { repositoryFromRest, restBody, type RestRepository } from './live.js';
import type { Repository } from './schema.js';

const SET_DISCUSSIONS = /* GraphQL */ `
  mutation ConvergeRepositoryDiscussions($id: ID!, $enabled: Boolean!) {
    updateRepository(input: { repositoryId: $id, hasDiscussionsEnabled: $enabled }) { repository { id } }
  }
`;

async function patchRepository(ctx: GitHubContext, change: Change, name: string, body: Record<string, unknown>): Promise<RestRepository> {
  // A redirect throws (api.write), so a renamed repository's old name never passes for done.
  return writeTo<RestRepository>(ctx, change, 'PATCH /repos/{owner}/{repo}', { owner: ctx.org, repo: name, ...body });
}

async function repositoryId(ctx: GitHubContext, name: string, resource: string): Promise<string> {
  const known = ctx.repositoryIds.get(name.toLowerCase());
  if (known) return known;
  const live = await getRepository(ctx, name);
  if (!live?.data.node_id) throw new RejectedError(`${resource}: not found on GitHub.`, { resource });
  return live.data.node_id;
}

/**
 * Write a partial spec to an existing repository, in the order GitHub needs: an archived
 * repository is read-only, so unarchiving comes first and archiving last. REST takes most
 * fields in one PATCH; topics have their own PUT and discussions only a GraphQL mutation.
 */
async function writeFields(ctx: GitHubContext, change: Change, name: string, patch: Partial<Repository>): Promise<void> {
  const resource = resourceKey(change);
  const { archived, topics, features, ...rest } = patch;
  const { discussions, ...otherFeatures } = features ?? {};
  if (archived === false) await patchRepository(ctx, change, name, { archived: false });
  const body = restBody({ ...rest, features: otherFeatures });
  if (Object.keys(body).length > 0) await patchRepository(ctx, change, name, body);
  if (discussions !== undefined) {
    await ctx.api.mutate(SET_DISCUSSIONS, { id: await repositoryId(ctx, name, resource), enabled: discussions });
  }
  if (topics !== undefined) {
    await writeTo(ctx, change, 'PUT /repos/{owner}/{repo}/topics', { owner: ctx.org, repo: name, names: topics });
  }
  if (archived === true) await patchRepository(ctx, change, name, { archived: true });
}

/** Write what still differs between `desired` and a live repository. */
async function converge(ctx: GitHubContext, change: Change, desired: Partial<Repository>, live: RestRepository) {
  const name = change.name;
  if (live.node_id) ctx.repositoryIds.set(name.toLowerCase(), live.node_id);
  const remaining = specFromFields<Repository>(diffSpecs(desired, repositoryFromRest(live)));
  await writeFields(ctx, change, name, remaining);
}

async function create(change: Change, ctx: GitHubContext): Promise<void> {
  const desired = specFromFields<Repository>(change.fields);
  const { default_branch: _defaultBranch, ...body } = restBody(desired);
  let live: RestRepository;
  try {
    live = await writeTo<RestRepository>(ctx, change, 'POST /orgs/{org}/repos', { org: ctx.org, name: change.name, ...body });
  } catch (error) {
    // An earlier apply may have created it already: converge the existing one instead.
    if (statusOf(error) !== 422) throw error;
    const existing = await getRepository(ctx, change.name);
    if (!existing || existing.data.name !== change.name) throw error;
    live = existing.data;
  }
  // What creation does not take (topics, default branch, discussions, archived) comes after.
  await converge(ctx, change, desired, live);
}

async function rename(change: Change, ctx: GitHubContext): Promise<void> {
  const from = change.fromName!;
  const patch = specFromFields<Repository>(change.fields);
  if (patch.archived === false) {
    // An archived repository is read-only, its name included: unarchive under the old name first.
    try {
      await patchRepository(ctx, change, from, { archived: false });
      delete patch.archived;
    } catch (error) {
      if (statusOf(error) !== 404 && !isWriteRedirected(error)) throw error;
    }
  }
  let renamed = false;
  try {
    await patchRepository(ctx, change, from, { name: change.name });
    renamed = true;
  } catch (error) {
    if (statusOf(error) !== 404 && !isWriteRedirected(error)) throw error;
  }
  if (!renamed) {
    // The old name is gone or redirects: an earlier apply already renamed it, if the new name exists.
    const current = await getRepository(ctx, change.name);
    if (!current || current.data.name !== change.name) {
      const resource = resourceKey(change);
      throw new RejectedError(`${resource}: cannot rename from "${from}": neither "${from}" nor "${change.name}" exists on GitHub.`, { resource });
    }
  }
  const id = ctx.repositoryIds.get(from.toLowerCase());
  if (id) ctx.repositoryIds.set(change.name.toLowerCase(), id);
  await writeFields(ctx, change, change.name, patch);
}

async function remove(change: Change, ctx: GitHubContext): Promise<void> {
  // Never follow a redirect into a delete: check the name is this repository's own.
  const live = await getRepository(ctx, change.name);
  if (!live || live.data.name !== change.name) return;
  await deleteIfPresent(ctx, change, 'DELETE /repos/{owner}/{repo}', { owner: ctx.org, repo: change.name });
}

export async function applyRepository(change: Change, ctx: GitHubContext): Promise<void> {
  switch (change.action) {
    case 'create':
      return create(change, ctx);
    case 'update':
      return writeFields(ctx, change, change.name, specFromFields<Repository>(change.fields));
    case 'rename':
      return rename(change, ctx);
    case 'delete':
      return remove(change, ctx);
    case 'noop':
      return;
  }
}
