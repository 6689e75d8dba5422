import { z } from 'zod';

/**
 * `github.org-variable`, named `<NAME>`: an Actions variable of the org, visible to all
 * repositories, private ones only, or the `repositories` listed (`visibility: selected`).
 */
export const OrgVariable = z
  .strictObject({
    value: z.string().max(48 * 1024, 'GitHub allows at most 48 KB in a variable'),
    visibility: z.enum(['all', 'private', 'selected']).optional(),
    repositories: z
      .array(z.string().min(1))
      .transform((names) => [...new Set(names)].sort())
      .optional(),
  })
  .refine((spec) => spec.repositories === undefined || spec.visibility === 'selected', {
    message: 'repositories can only be listed with visibility: selected',
    path: ['repositories'],
  });
export type OrgVariable = z.infer<typeof OrgVariable>;
