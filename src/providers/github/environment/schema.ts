import { z } from 'zod';
import { NameList } from '../shared/permissions.js';

const Patterns = z
  .array(z.string().trim().min(1))
  .min(1, 'list at least one branch pattern, or use "all" or "protected"')
  .transform((patterns) => [...new Set(patterns)].sort());

/**
 * Which branches may deploy: `all`, `protected` (branches with protection rules), or the
 * branch-name `patterns` listed (GitHub's custom deployment branch policies).
 */
export const DeploymentBranches = z.union([z.enum(['all', 'protected']), z.strictObject({ patterns: Patterns })]);
export type DeploymentBranches = z.infer<typeof DeploymentBranches>;

/** `github.environment`, named `<repository>/<environment>`: protection rules of one environment. */
export const Environment = z
  .strictObject({
    /** Minutes to wait before a deployment may proceed (0 to 43,200). */
    waitTimer: z.number().int().min(0).max(43_200).optional(),
    preventSelfReview: z.boolean().optional(),
    /** Logins and team slugs (resolved to ids when written); at most 6 in all. */
    reviewers: z.strictObject({ users: NameList.optional(), teams: NameList.optional() }).optional(),
    deploymentBranches: DeploymentBranches.optional(),
  })
  .refine((spec) => (spec.reviewers?.users?.length ?? 0) + (spec.reviewers?.teams?.length ?? 0) <= 6, {
    message: 'GitHub allows at most 6 required reviewers (users and teams together)',
    path: ['reviewers'],
  });
export type Environment = z.infer<typeof Environment>;
