import { z } from 'zod';

/**
 * `github.member`, named by login: someone the config expects in the org. Read-only:
 * Converge reports differences (undeclared members, missing members, other roles) and never
 * invites, removes or changes anyone.
 */
export const Member = z.strictObject({
  role: z.enum(['member', 'admin']).optional(),
});
export type Member = z.infer<typeof Member>;
