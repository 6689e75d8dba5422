import { z } from 'zod';

/**
 * `github.variable`, named `<repository>/<NAME>`: an Actions variable of one repository.
 * Secrets are not managed: their values cannot be read back, so they cannot be diffed.
 */
export const Variable = z.strictObject({
  value: z.string().max(48 * 1024, 'GitHub allows at most 48 KB in a variable'),
});
export type Variable = z.infer<typeof Variable>;
