import { z } from 'zod';
import type { AutomergeConfig } from '../core/automerge.js';

/**
 * `automerge:` in converge.yml. Opt-in: when enabled, Converge turns on GitHub's auto-merge
 * for a PR whose plan qualifies (core/automerge.ts), and GitHub merges it with `method` once
 * the branch protection's required checks and reviews pass.
 */
export const AutomergeSettings = z
  .strictObject({
    enabled: z.boolean().default(false),
    method: z.enum(['merge', 'squash', 'rebase']).default('squash'),
  })
  .default({ enabled: false, method: 'squash' });
export type AutomergeSettings = z.infer<typeof AutomergeSettings>;

// The core's settings type and the schema's must stay the same shape.
true satisfies AutomergeSettings extends AutomergeConfig ? (AutomergeConfig extends AutomergeSettings ? true : false) : false;
