import { repoConfigSchema, resourceFileSchema } from '../config/json-schema.js';
import type { Registry } from '../core/registry.js';

/** Where an imported config repo keeps the editor schemas (JSON: never a model file). */
export const RESOURCES_SCHEMA_PATH = '.converge/converge-resources.schema.json';
export const SETTINGS_SCHEMA_PATH = '.converge/converge.schema.json';

/** The two schema files, generated (not read from disk, so an installed package has them too), as committed in `schema/`. */
export function schemaFiles(registry: Registry<any>): Map<string, string> {
  const text = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
  return new Map([
    [RESOURCES_SCHEMA_PATH, text(resourceFileSchema(registry))],
    [SETTINGS_SCHEMA_PATH, text(repoConfigSchema(registry))],
  ]);
}
