/**
 * `npm run schema`: writes the editor JSON Schemas (src/config/json-schema.ts) to `schema/`.
 * Run it after changing a kind's spec or converge.yml's settings; a test fails until the
 * committed files match.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoConfigSchema, resourceFileSchema } from '../src/config/json-schema.js';
import { createRegistry } from '../src/providers/index.js';

export const SCHEMA_DIR = join(import.meta.dirname, '..', 'schema');
export const SCHEMA_FILES = { resources: 'converge-resources.schema.json', settings: 'converge.schema.json' } as const;

/** The files' text, as committed: two-space JSON and a final newline. */
export function schemaTexts(): Record<keyof typeof SCHEMA_FILES, string> {
  const registry = createRegistry();
  const text = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
  return { resources: text(resourceFileSchema(registry)), settings: text(repoConfigSchema(registry)) };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await mkdir(SCHEMA_DIR, { recursive: true });
  const texts = schemaTexts();
  for (const key of Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]) {
    await writeFile(join(SCHEMA_DIR, SCHEMA_FILES[key]), texts[key]);
    console.log(`wrote schema/${SCHEMA_FILES[key]}`);
  }
}
