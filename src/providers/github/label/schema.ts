import { z } from 'zod';

const Color = z
  .string({ error: 'a label color is a quoted 6-digit hex string like "d73a4a" (unquoted, YAML may read it as a number)' })
  .trim()
  .transform((value) => value.replace(/^#/, '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{6}$/, 'a label color is 6 hex digits, like "d73a4a" or "#D73A4A"'));

/**
 * `github.label`, named `<repository>/<label>`. Colors are stored lower-case without `#`,
 * and a missing description reads back as "", exactly as reads report them.
 */
export const Label = z.strictObject({
  color: Color.optional(),
  description: z
    .string()
    .max(100, 'GitHub allows at most 100 characters in a label description')
    .nullable()
    .transform((value) => value ?? '')
    .optional(),
});
export type Label = z.infer<typeof Label>;
