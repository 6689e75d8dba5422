import { z } from 'zod';

/** GitHub stores "no description" as null or ""; both read back as "". */
const OptionalText = z
  .string()
  .nullable()
  .transform((value) => value ?? '');

const Topic = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'a topic is lower-case letters, digits and hyphens, starting with a letter or digit, at most 50 characters');

export const Features = z.strictObject({
  issues: z.boolean().optional(),
  projects: z.boolean().optional(),
  wiki: z.boolean().optional(),
  discussions: z.boolean().optional(),
});
export type Features = z.infer<typeof Features>;

export const MergeOptions = z.strictObject({
  allowMergeCommit: z.boolean().optional(),
  allowSquashMerge: z.boolean().optional(),
  allowRebaseMerge: z.boolean().optional(),
  allowAutoMerge: z.boolean().optional(),
  deleteBranchOnMerge: z.boolean().optional(),
});
export type MergeOptions = z.infer<typeof MergeOptions>;

/**
 * `github.repository`. Every field is optional: a field left out is never compared nor
 * written, so GitHub's defaults stay as they are. The output shape is exactly what reads
 * produce (topics sorted, lower-cased and unique; null text as "").
 */
export const Repository = z.strictObject({
  description: OptionalText.optional(),
  homepage: OptionalText.optional(),
  visibility: z.enum(['public', 'private', 'internal']).optional(),
  features: Features.optional(),
  merge: MergeOptions.optional(),
  /** Must be an existing branch: Converge never creates branches. */
  defaultBranch: z.string().min(1).optional(),
  archived: z.boolean().optional(),
  topics: z
    .array(Topic)
    .max(20, 'GitHub allows at most 20 topics')
    .transform((topics) => [...new Set(topics)].sort())
    .optional(),
});
export type Repository = z.infer<typeof Repository>;
