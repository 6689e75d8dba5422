import { z } from 'zod';
import { Permission } from '../shared/permissions.js';

/**
 * `github.collaborator`, named `<repository>/<login>`: someone given access to the repository
 * directly (not through a team). A pending invitation counts as present.
 */
export const Collaborator = z.strictObject({
  permission: Permission,
});
export type Collaborator = z.infer<typeof Collaborator>;
