import type { ReadAllResult, ReadResult } from '../../../core/provider.js';
import { resourceKey, type ResourceRef } from '../../../core/resource.js';
import { readFailure } from '../shared/errors.js';
import type { BulkRead, GitHubContext } from '../kind.js';
import { listAll } from '../shared/lists.js';

/** Every active member's lower-cased login: one conditional list (validation needs no roles). */
export async function orgMemberLogins(ctx: GitHubContext): Promise<Set<string>> {
  const list = await listAll<{ login: string }>(ctx, 'GET /orgs/{org}/members', { org: ctx.org });
  return new Set((list ?? []).map((m) => m.login.toLowerCase()));
}

/** Every active member by lower-cased login: two conditional lists (admins, then the others). */
export async function orgMembers(ctx: GitHubContext): Promise<Map<string, 'admin' | 'member'>> {
  const [admins, members] = await Promise.all(
    (['admin', 'member'] as const).map((role) => listAll<{ login: string }>(ctx, 'GET /orgs/{org}/members', { org: ctx.org, role })),
  );
  return new Map([
    ...(members ?? []).map((m) => [m.login.toLowerCase(), 'member'] as const),
    ...(admins ?? []).map((m) => [m.login.toLowerCase(), 'admin'] as const),
  ]);
}

export async function readMembers(refs: ResourceRef[], ctx: GitHubContext): Promise<ReadResult[]> {
  try {
    const members = await orgMembers(ctx);
    return refs.map((ref) => {
      const role = members.get(ref.name);
      return role ? { ref, actual: { kind: ref.kind, target: ref.target, name: ref.name, spec: { role } } } : { ref };
    });
  } catch (error) {
    return refs.map((ref) => ({ ref, error: readFailure(error, resourceKey(ref)) }));
  }
}

/** Full runs list every member, so the ones the config does not declare show as extraneous. */
export const members: BulkRead = {
  async readAll(_kinds, ctx): Promise<ReadAllResult> {
    const all = await orgMembers(ctx);
    return { resources: [...all].map(([login, role]) => ({ kind: 'github.member', target: ctx.target, name: login, spec: { role } })), failures: [] };
  },
};
