import { z } from 'zod';
import { Permission } from '../shared/permissions.js';

/** `github.team-repository`, named `<team>/<repository>`: what a team may do in one repository. */
export const TeamRepository = z.strictObject({
  permission: Permission,
});
export type TeamRepository = z.infer<typeof TeamRepository>;
