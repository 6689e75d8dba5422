/**
 * Checks HTTP requests (and, for the fake's own tests, responses) against GitHub's published
 * OpenAPI description, so a test fails when the app sends something the real API would
 * reject or silently ignore: an unknown route, an unknown query parameter, a body field of
 * the wrong type.
 *
 * The description is ~13 MB; it is parsed once per process on first use, and each
 * operation's validators are compiled on first use and cached. Only the component schemas an
 * operation actually references are handed to ajv, because registering all of them up front
 * costs more than the parse itself.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export type OpenApiSpecName = 'api.github.com' | 'ghec' | 'ghes-3.17' | 'ghes-3.18' | 'ghes-3.19';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Path templates

interface Segment {
  /** Literal text, or a regex with one capture group per parameter. */
  literal?: string;
  pattern?: RegExp;
  /** The parameter may span several path segments (`x-multi-segment`, e.g. a file path). */
  multi: boolean;
}

interface Entry<T> {
  template: string;
  /** Parameter names in template order; values are captured positionally. */
  names: string[];
  value: T;
}

interface TrieNode<T> {
  literals: Map<string, TrieNode<T>>;
  params: Array<{ key: string; segment: Segment; node: TrieNode<T> }>;
  /** Templates ending here; several when they differ only in parameter names. */
  entries: Array<Entry<T>>;
}

export interface TemplateMatch<T> {
  template: string;
  value: T;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parseSegment(text: string, multiSegment: ReadonlySet<string>): Segment & { names: string[] } {
  if (!text.includes('{')) return { literal: text, names: [], multi: false };
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of text.matchAll(/\{([^}]+)\}/g)) {
    source += escapeRegex(text.slice(last, m.index));
    names.push(m[1]!);
    // A multi-segment parameter may be empty: `GET /repos/o/r/contents/` lists the root.
    source += multiSegment.has(m[1]!) ? '(.*?)' : '([^/]+?)';
    last = m.index + m[0].length;
  }
  source += escapeRegex(text.slice(last));
  return { pattern: new RegExp(`^${source}$`), names, multi: names.some((n) => multiSegment.has(n)) };
}

const newNode = <T>(): TrieNode<T> => ({ literals: new Map(), params: [], entries: [] });

/**
 * A set of path templates (`/repos/{owner}/{repo}/labels/{name}`) matched segment by segment,
 * literal segments before parameters, so lookups stay cheap with hundreds of templates.
 */
export class PathTemplates<T> {
  private readonly root: TrieNode<T> = newNode();

  add(template: string, value: T, multiSegment: ReadonlySet<string> = new Set()): void {
    let node = this.root;
    const names: string[] = [];
    for (const text of template.split('/').slice(1)) {
      const segment = parseSegment(text, multiSegment);
      names.push(...segment.names);
      if (segment.literal !== undefined) {
        let next = node.literals.get(segment.literal);
        if (!next) node.literals.set(segment.literal, (next = newNode()));
        node = next;
      } else {
        const key = segment.pattern!.source + (segment.multi ? '*' : '');
        let entry = node.params.find((p) => p.key === key);
        if (!entry) node.params.push((entry = { key, segment, node: newNode() }));
        node = entry.node;
      }
    }
    node.entries.push({ template, names, value });
  }

  /** The first template matching `path` whose value `accept`s (e.g. has a handler for the method). */
  match(path: string, accept: (value: T) => boolean = () => true): TemplateMatch<T> | undefined {
    const values: string[] = [];
    const entry = this.walk(this.root, path.split('/').slice(1), 0, values, accept);
    if (!entry) return undefined;
    const params: Record<string, string> = {};
    entry.names.forEach((name, k) => (params[name] = safeDecode(values[k] ?? '')));
    return { template: entry.template, value: entry.value, params };
  }

  private walk(node: TrieNode<T>, segments: string[], i: number, values: string[], accept: (value: T) => boolean): Entry<T> | undefined {
    if (i === segments.length) return node.entries.find((e) => accept(e.value));
    const literal = node.literals.get(segments[i]!);
    if (literal) {
      const found = this.walk(literal, segments, i + 1, values, accept);
      if (found) return found;
    }
    for (const { segment, node: next } of node.params) {
      // A multi-segment parameter tries the shortest span first, so `commits/main/check-runs`
      // is the check-runs route, while `contents/a/b.yml` still ends up as one path.
      const ends = segment.multi ? range(i + 1, segments.length) : [i + 1];
      for (const end of ends) {
        const m = segment.pattern!.exec(segments.slice(i, end).join('/'));
        if (!m) continue;
        const captured = m.slice(1);
        if (!segment.multi && captured.some((v) => v === '')) continue;
        const depth = values.length;
        values.push(...captured);
        const found = this.walk(next, segments, end, values, accept);
        if (found) return found;
        values.length = depth;
      }
    }
    return undefined;
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// Loading the description

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
  'x-multi-segment'?: boolean;
}

export interface OpenApiOperation {
  method: string;
  template: string;
  operationId: string;
  parameters: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonObject }> };
  responses: Record<string, { content?: Record<string, { schema?: JsonObject }> }>;
}

export interface OpenApiSpec {
  name: OpenApiSpecName;
  /** Milliseconds spent reading, parsing and indexing the description. */
  loadMs: number;
  match(method: string, path: string): { operation: OpenApiOperation; params: Record<string, string> } | undefined;
  /** Whether any method is documented for this path (to tell 404 from 405-like mistakes). */
  hasPath(path: string): boolean;
  schemas: Record<string, JsonObject>;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/**
 * Routes GitHub really serves but does not describe. `/repositories/{id}` is where a renamed
 * repository's old URL redirects to; paths under it are checked as the `/repos/...` operation.
 */
const UNDOCUMENTED_OPERATIONS: OpenApiOperation[] = [
  {
    method: 'GET',
    template: '/repositories/{repository_id}',
    operationId: 'repos/get-by-id (undocumented)',
    parameters: [{ name: 'repository_id', in: 'path', required: true, schema: { type: 'integer' } }],
    responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/full-repository' } } } } },
  },
];

const specs = new Map<OpenApiSpecName, OpenApiSpec>();
const require = createRequire(import.meta.url);

function resolveRef<T>(doc: JsonObject, value: unknown): T {
  const ref = (value as { $ref?: string } | undefined)?.$ref;
  if (typeof ref !== 'string') return value as T;
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return resolveRef<T>(doc, node);
}

/** GitHub's OpenAPI description, loaded once per process and name. */
export function loadOpenApi(name: OpenApiSpecName = 'api.github.com'): OpenApiSpec {
  const cached = specs.get(name);
  if (cached) return cached;
  const started = performance.now();
  const file = require.resolve(`@octokit/openapi/generated/${name}.json`);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  const byPath = new PathTemplates<Map<string, OpenApiOperation>>();
  const add = (template: string, operations: Map<string, OpenApiOperation>) => {
    const multi = new Set<string>();
    for (const op of operations.values()) for (const p of op.parameters) if (p['x-multi-segment']) multi.add(p.name);
    byPath.add(template, operations, multi);
  };
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    const operations = new Map<string, OpenApiOperation>();
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const op = raw as Record<string, unknown>;
      operations.set(method.toUpperCase(), {
        method: method.toUpperCase(),
        template,
        operationId: String(op.operationId),
        parameters: ((op.parameters as unknown[] | undefined) ?? []).map((p) => resolveRef<OpenApiParameter>(doc, p)),
        requestBody: resolveRef(doc, op.requestBody),
        responses: Object.fromEntries(
          Object.entries((op.responses as Record<string, unknown>) ?? {}).map(([status, r]) => [status, resolveRef(doc, r)]),
        ) as OpenApiOperation['responses'],
      });
    }
    add(template, operations);
  }
  for (const op of UNDOCUMENTED_OPERATIONS) add(op.template, new Map([[op.method, op]]));
  const spec: OpenApiSpec = {
    name,
    loadMs: 0,
    match(method, path) {
      const upper = method.toUpperCase();
      const found = byPath.match(path, (operations) => operations.has(upper));
      return found ? { operation: found.value.get(upper)!, params: found.params } : undefined;
    },
    hasPath: (path) => byPath.match(path) !== undefined,
    schemas: (doc.components as { schemas: Record<string, JsonObject> }).schemas,
  };
  spec.loadMs = performance.now() - started;
  specs.set(name, spec);
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Validators

type AjvInstance = InstanceType<typeof Ajv>;
const addFormats = addFormatsModule as unknown as (ajv: AjvInstance) => AjvInstance;

interface SchemaRegistry {
  ajv: AjvInstance;
  /** Ajv with type coercion, for query strings where every value arrives as text. */
  queryAjv: AjvInstance;
  registered: Set<string>;
}

const registries = new Map<OpenApiSpecName, SchemaRegistry>();

function registryFor(spec: OpenApiSpec): SchemaRegistry {
  let registry = registries.get(spec.name);
  if (!registry) {
    const options = { strict: false, allErrors: true, logger: false, validateSchema: false } as const;
    const ajv = addFormats(new Ajv(options));
    const queryAjv = addFormats(new Ajv({ ...options, coerceTypes: 'array' }));
    registries.set(spec.name, (registry = { ajv, queryAjv, registered: new Set() }));
  }
  return registry;
}

const componentId = (spec: OpenApiSpec, name: string) => `https://openapi.invalid/${spec.name}/${name}`;

/**
 * Copies a schema for ajv: component `$ref`s point at separately registered schemas, and
 * OpenAPI 3.0's `nullable` (which ajv only understands next to `type`) becomes JSON Schema.
 */
function prepare(spec: OpenApiSpec, schema: Json, registry: SchemaRegistry, inProperties = false): Json {
  if (Array.isArray(schema)) return schema.map((item) => prepare(spec, item, registry));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!inProperties && key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
      const name = value.slice('#/components/schemas/'.length);
      register(spec, name, registry);
      out.$ref = componentId(spec, name);
    } else if (!inProperties && (key === 'example' || key === 'examples' || key === 'description')) {
      // Documentation only; dropping it keeps compiled schemas small.
    } else {
      out[key] = prepare(spec, value, registry, !inProperties && (key === 'properties' || key === 'patternProperties'));
    }
  }
  if (inProperties || out.nullable !== true) return out;
  delete out.nullable;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

function register(spec: OpenApiSpec, name: string, registry: SchemaRegistry): void {
  if (registry.registered.has(name)) return;
  registry.registered.add(name);
  const schema = spec.schemas[name];
  if (!schema) throw new Error(`OpenAPI ${spec.name} has no schema ${name}`);
  const prepared = prepare(spec, schema, registry) as JsonObject;
  registry.ajv.addSchema({ ...prepared, $id: componentId(spec, name) });
}

export interface OperationValidators {
  /** Validates a JSON request body; undefined when the operation takes no JSON body. */
  body: ValidateFunction | undefined;
  bodyRequired: boolean;
  /** Validates the query string as an object of strings (coerced to the documented types). */
  query: ValidateFunction;
  queryNames: Set<string>;
  /** Validators of JSON response bodies by status code, compiled on first use. */
  response(status: number): ValidateFunction | undefined;
}

const validatorCache = new WeakMap<OpenApiOperation, OperationValidators>();

/** The compiled validators of one operation, cached for the life of the process. */
export function operationValidators(spec: OpenApiSpec, operation: OpenApiOperation): OperationValidators {
  const cached = validatorCache.get(operation);
  if (cached) return cached;
  const registry = registryFor(spec);
  const compile = (schema: Json) => registry.ajv.compile(prepare(spec, schema, registry) as JsonObject);
  const jsonBody = operation.requestBody?.content['application/json']?.schema;
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const querySchema: JsonObject = {
    type: 'object',
    properties: Object.fromEntries(queryParams.map((p) => [p.name, prepare(spec, (p.schema ?? {}) as Json, registry)])),
    required: queryParams.filter((p) => p.required).map((p) => p.name),
  };
  const responses = new Map<number, ValidateFunction | undefined>();
  const validators: OperationValidators = {
    body: jsonBody ? compile(jsonBody) : undefined,
    bodyRequired: operation.requestBody?.required === true,
    query: registry.queryAjv.compile(querySchema),
    queryNames: new Set(queryParams.map((p) => p.name)),
    response(status) {
      if (!responses.has(status)) {
        const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
        responses.set(status, schema ? compile(schema) : undefined);
      }
      return responses.get(status);
    },
  };
  validatorCache.set(operation, validators);
  return validators;
}

// ---------------------------------------------------------------------------------------------
// Checking

export interface RequestToCheck {
  method: string;
  /** The API path without the base URL's path prefix, as sent (URL-encoded), without query. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export interface CheckOptions {
  spec?: OpenApiSpecName;
}

function describeErrors(prefix: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || '/';
    const extra = e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)})` : '';
    const additional = e.keyword === 'additionalProperties' ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
    return `${prefix}${where}: ${e.message ?? e.keyword}${extra}${additional}`;
  });
}

/** `/repositories/{id}/labels` is the redirect form of `/repos/{owner}/{repo}/labels`. */
function canonicalPath(path: string): string {
  const m = /^\/repositories\/\d+(\/.+)$/.exec(path);
  return m ? `/repos/owner/repo${m[1]}` : path;
}

function findOperation(spec: OpenApiSpec, method: string, path: string) {
  return spec.match(method, canonicalPath(path)) ?? (method === 'HEAD' ? spec.match('GET', canonicalPath(path)) : undefined);
}

/**
 * Violations of GitHub's published description by one REST request, as readable sentences;
 * empty when the request is one GitHub documents.
 */
export function checkRequest(request: RequestToCheck, options: CheckOptions = {}): string[] {
  const spec = loadOpenApi(options.spec);
  const method = request.method.toUpperCase();
  const label = `${method} ${request.path}`;
  const found = findOperation(spec, method, request.path);
  if (!found) {
    return spec.hasPath(canonicalPath(request.path))
      ? [`${label}: GitHub documents no ${method} operation for this path`]
      : [`${label}: no such path in GitHub's REST API (${spec.name})`];
  }
  const { operation } = found;
  const validators = operationValidators(spec, operation);
  const where = `${label} (${operation.template})`;
  const violations: string[] = [];

  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === undefined) continue;
    if (!validators.queryNames.has(name)) violations.push(`${where}: unknown query parameter "${name}"`);
    else query[name] = value;
  }
  if (!validators.query(query)) violations.push(...describeErrors(`${where} query`, validators.query.errors));

  const hasBody = request.body !== undefined && request.body !== '' && request.body !== null;
  if (validators.body) {
    if (hasBody) {
      if (!validators.body(request.body)) violations.push(...describeErrors(`${where} body`, validators.body.errors));
    } else if (validators.bodyRequired) {
      violations.push(`${where}: a JSON request body is required`);
    }
  } else if (hasBody && typeof request.body === 'object' && !operation.requestBody) {
    violations.push(`${where}: this operation takes no request body`);
  }
  return violations;
}

/** Violations of the documented response schema by a response body (to keep fakes honest). */
export function checkResponse(request: RequestToCheck & { status: number; responseBody: unknown }, options: CheckOptions = {}): string[] {
  const spec = loadOpenApi(options.spec);
  const found = findOperation(spec, request.method.toUpperCase(), request.path);
  if (!found) return [];
  const validate = operationValidators(spec, found.operation).response(request.status);
  if (!validate || validate(request.responseBody)) return [];
  return describeErrors(`${request.method} ${request.path} response ${request.status}`, validate.errors);
}
