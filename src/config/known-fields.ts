import { z } from 'zod';

type Schema = z.core.$ZodType;

function isRecord(value: unknown): value is Record<PropertyKey, unknown> {
  return value !== null && typeof value === 'object';
}

/** Whether a union option may be the one `value` meant: its discriminator accepts the value's. */
function fitsDiscriminator(option: Schema, discriminator: string, value: unknown): boolean {
  if (!(option instanceof z.core.$ZodObject) || !isRecord(value)) return true;
  const field = option._zod.def.shape[discriminator];
  return !field || z.safeParse(field, value[discriminator]).success;
}

/**
 * The schemas that check `value` here, wrappers (optional, default, nullable, pipe, lazy…)
 * removed; a union gives its options, narrowed by its discriminator when it has one.
 */
function unwrap(schema: Schema, value: unknown): Schema[] {
  if (
    schema instanceof z.core.$ZodOptional ||
    schema instanceof z.core.$ZodNullable ||
    schema instanceof z.core.$ZodDefault ||
    schema instanceof z.core.$ZodPrefault ||
    schema instanceof z.core.$ZodNonOptional ||
    schema instanceof z.core.$ZodReadonly ||
    schema instanceof z.core.$ZodCatch
  ) {
    return unwrap(schema._zod.def.innerType, value);
  }
  if (schema instanceof z.core.$ZodPipe) {
    // z.preprocess pipes a transform into the schema: the shape is on the output side.
    const { in: input, out } = schema._zod.def;
    return unwrap(input instanceof z.core.$ZodTransform ? out : input, value);
  }
  if (schema instanceof z.core.$ZodLazy) return unwrap(schema._zod.def.getter(), value);
  if (schema instanceof z.core.$ZodIntersection) return [...unwrap(schema._zod.def.left, value), ...unwrap(schema._zod.def.right, value)];
  if (schema instanceof z.core.$ZodUnion) {
    const options = schema._zod.def.options.flatMap((option) => unwrap(option, value));
    const discriminator = (schema._zod.def as { discriminator?: string }).discriminator;
    const fitting = discriminator === undefined ? options : options.filter((o) => fitsDiscriminator(o, discriminator, value));
    return fitting.length > 0 ? fitting : options;
  }
  return [schema];
}

/** The schema of one step down: an object's field, an array's element, a record's value. */
function child(schema: Schema, key: PropertyKey): Schema[] {
  if (schema instanceof z.core.$ZodObject) {
    const field = schema._zod.def.shape[String(key)] ?? schema._zod.def.catchall;
    return field ? [field] : [];
  }
  if (schema instanceof z.core.$ZodArray) return [schema._zod.def.element];
  if (schema instanceof z.core.$ZodRecord) return [schema._zod.def.valueType];
  if (schema instanceof z.core.$ZodTuple) {
    const item = typeof key === 'number' ? (schema._zod.def.items[key] ?? schema._zod.def.rest) : undefined;
    return item ? [item] : [];
  }
  return [];
}

/**
 * The field names the object at `path` of `input` accepts, as `schema` declares them (for a
 * "did you mean" on an unknown field); undefined when no object schema is found there.
 */
export function knownFields(schema: Schema, input: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let value = input;
  let nodes = unwrap(schema, value);
  for (const key of path) {
    value = isRecord(value) ? value[key] : undefined;
    nodes = nodes.flatMap((node) => child(node, key)).flatMap((node) => unwrap(node, value));
  }
  const objects = nodes.filter((node) => node instanceof z.core.$ZodObject);
  if (objects.length === 0) return undefined;
  return [...new Set(objects.flatMap((node) => Object.keys(node._zod.def.shape)))];
}
