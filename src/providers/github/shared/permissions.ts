import { z } from 'zod';

/** A repository permission as the REST API writes it. */
export const Permission = z.enum(['pull', 'triage', 'push', 'maintain', 'admin']);
export type Permission = z.infer<typeof Permission>;

/** Every spelling GitHub reads back (`role_name`, invitation `permissions`, GraphQL enum) → ours. */
const READ_BACK: Record<string, Permission> = { read: 'pull', pull: 'pull', triage: 'triage', write: 'push', push: 'push', maintain: 'maintain', admin: 'admin' };

/** Ours; a custom repository role keeps its own name, so it shows as a difference. */
export function permissionOf(role: string): string {
  return READ_BACK[role.toLowerCase()] ?? role;
}

/** Invitations take the role names (`read`, `write`) instead of the permission names. */
export const INVITATION_ROLE: Record<Permission, string> = { pull: 'read', triage: 'triage', push: 'write', maintain: 'maintain', admin: 'admin' };

/** Logins and slugs: written lower case, compared as sets (sorted, unique). */
export const NameList = z
  .array(z.string().trim().min(1).toLowerCase())
  .transform((names) => [...new Set(names)].sort());

export const sortedNames = (names: Iterable<string>): string[] => [...new Set([...names].map((n) => n.toLowerCase()))].sort();
