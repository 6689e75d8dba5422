import { z } from 'zod';
import { NameList } from '../shared/permissions.js';

/**
 * `github.team`, named by its slug. Members and maintainers are lists of logins (direct
 * members; members of child teams are not listed). A list left out is not managed: setting
 * `members` leaves maintainers alone and the other way round.
 */
export const Team = z
  .strictObject({
    /** The display name; GitHub derives the slug from it. Default on create: the slug. */
    name: z.string().trim().min(1).optional(),
    description: z
      .string()
      .nullable()
      .transform((value) => value ?? '')
      .optional(),
    privacy: z.enum(['secret', 'closed']).optional(),
    /** The parent team's slug; null for a top-level team. */
    parent: z.string().trim().min(1).toLowerCase().nullable().optional(),
    notifications: z.boolean().optional(),
    members: NameList.optional(),
    maintainers: NameList.optional(),
  })
  .superRefine((spec, ctx) => {
    const both = (spec.members ?? []).filter((login) => spec.maintainers?.includes(login));
    if (both.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['maintainers'], message: `${both.join(', ')} cannot be both a member and a maintainer: list them once` });
    }
    if (spec.privacy === 'secret' && spec.parent) {
      ctx.addIssue({ code: 'custom', path: ['privacy'], message: 'a team with a parent cannot be secret: use privacy: closed' });
    }
  });
export type Team = z.infer<typeof Team>;
