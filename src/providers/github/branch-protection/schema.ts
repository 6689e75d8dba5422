import { z } from 'zod';
import { NameList } from '../shared/permissions.js';

export const RequiredReviews = z.strictObject({
  /** Approving reviews needed, 0 to 6. */
  approvals: z.number().int().min(0).max(6).optional(),
  dismissStaleReviews: z.boolean().optional(),
  requireCodeOwnerReviews: z.boolean().optional(),
  requireLastPushApproval: z.boolean().optional(),
});

/** A required check: its name, and optionally the app (slug) that must report it; otherwise any app. */
const Check = z.union([
  z
    .string()
    .min(1)
    .transform((context) => ({ context })),
  z.strictObject({ context: z.string().min(1), app: z.string().min(1).toLowerCase().optional() }),
]);

export const RequiredStatusChecks = z.strictObject({
  /** Branches must be up to date with the base before merging. */
  strict: z.boolean().optional(),
  checks: z
    .array(Check)
    .transform((checks) => sortChecks(checks))
    .optional(),
});

export const Restrictions = z.strictObject({
  users: NameList.optional(),
  teams: NameList.optional(),
  apps: NameList.optional(),
});

/**
 * `github.branch-protection`, named `<repository>/<branch pattern>` (a branch name, or a
 * pattern such as `release/*`). `null` for a section turns it off; a section or field left
 * out is not managed.
 */
export const BranchProtection = z.strictObject({
  requiredReviews: RequiredReviews.nullable().optional(),
  requiredStatusChecks: RequiredStatusChecks.nullable().optional(),
  enforceAdmins: z.boolean().optional(),
  /** Who may push: users, teams and apps; null means everyone with write access. */
  restrictions: Restrictions.nullable().optional(),
  requireLinearHistory: z.boolean().optional(),
  allowForcePushes: z.boolean().optional(),
  allowDeletions: z.boolean().optional(),
  requireConversationResolution: z.boolean().optional(),
});
export type BranchProtection = z.infer<typeof BranchProtection>;

export interface Check {
  context: string;
  app?: string;
}

export function sortChecks(checks: Check[]): Check[] {
  const key = (c: Check) => `${c.context}\u0000${c.app ?? ''}`;
  const unique = new Map(checks.map((c) => [key(c), c.app === undefined ? { context: c.context } : { context: c.context, app: c.app }]));
  return [...unique.keys()].sort().map((k) => unique.get(k)!);
}
