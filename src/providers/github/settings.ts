import { z } from 'zod';

/** One `github` target in converge.yml (`providers: { github: { ... } }`). */
export const GitHubSettings = z.strictObject({
  /** The org to manage. Default: the owner of the config repo. */
  org: z.string().min(1).optional(),
  /**
   * Extra minimum time between any two mutations for this org, across every process, on top
   * of GitHub's secondary-limit budgets. Default: CONVERGE_WRITE_SPACING_MS (0 when unset).
   */
  writeSpacingMs: z.number().int().min(0).max(60_000).optional(),
  /** Targeted reads in flight at once (GitHub allows 100 concurrent requests). Default 8. */
  readConcurrency: z.number().int().min(1).max(50).default(8),
});
export type GitHubSettings = z.infer<typeof GitHubSettings>;
