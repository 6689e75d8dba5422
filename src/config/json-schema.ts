/**
 * JSON Schemas for editors, generated from the same zod schemas the loader checks with (zod 4's
 * `z.toJSONSchema`): one for resource files (every document is a resource of one kind, told
 * apart by `kind`, or a defaults document, told apart by `selector.kind`) and one for
 * converge.yml (each provider's target settings under `providers`). Both describe what a user
 * writes (zod's input side), so fields with defaults are optional. `scripts/json-schema.ts`
 * writes them to `schema/`; a test keeps the committed files equal to this output.
 */
import { z } from 'zod';
import type { Registry } from '../core/registry.js';
import { DefaultsDocument, RepoConfig, ResourceDocument } from './schema.js';

type JsonSchema = Record<string, unknown>;

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

function toJson(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** The schema with every `required` list removed, at every depth: what a defaults document may set. */
function partial(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(partial);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) if (key !== 'required') out[key] = partial(value);
  return out;
}

/** The schema of one YAML document of a resource file. */
export function resourceFileSchema(registry: Registry): JsonSchema {
  const kinds = registry.kinds();
  const envelope = ResourceDocument.omit({ kind: true, spec: true });
  const resources = kinds.map((kind) => ({
    ...toJson(envelope.extend({ kind: z.literal(kind.kind), spec: kind.spec.optional() })),
    title: kind.kind,
    description: kind.description,
  }));
  const defaultsEnvelope = DefaultsDocument.omit({ selector: true, spec: true });
  const defaults = kinds.map((kind) => {
    const selector = DefaultsDocument.shape.selector.extend({ kind: z.literal(kind.kind) });
    const document = toJson(defaultsEnvelope.extend({ selector, spec: z.record(z.string(), z.unknown()) }));
    (document.properties as JsonSchema).spec = partial(toJson(kind.spec));
    return { ...document, title: `defaults for ${kind.kind}` };
  });
  return {
    $schema: DRAFT,
    title: 'Converge resource document',
    description: 'One document of a Converge config repo resource file: a resource of one kind, or defaults for a kind.',
    oneOf: [...resources, ...defaults],
  };
}

/** The schema of converge.yml, with each provider's target settings. */
export function repoConfigSchema(registry: Registry): JsonSchema {
  const schema = toJson(RepoConfig);
  const providers: JsonSchema = {};
  for (const [name, provider] of registry.providers) {
    const settings = toJson(provider.targetSettings);
    providers[name] = {
      description: `The ${name} provider: one target's settings, or several under \`targets\`.`,
      anyOf: [settings, { type: 'object', properties: { targets: { type: 'object', additionalProperties: settings } }, required: ['targets'], additionalProperties: false }],
    };
  }
  (schema.properties as JsonSchema).providers = {
    type: 'object',
    description: 'Enabled providers and their targets.',
    properties: providers,
    additionalProperties: false,
  };
  return { $schema: DRAFT, title: 'Converge converge.yml', ...schema };
}
