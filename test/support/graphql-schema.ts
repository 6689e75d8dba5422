/**
 * GitHub's published GraphQL schema, built once per process, and validation of queries
 * against it, so a query that names a field or argument GitHub does not have fails in tests
 * the way it would fail in production.
 *
 * Built from the introspection result (`schema.json`) rather than `schema.graphql`: the SDL
 * in @octokit/graphql-schema defines `EnterpriseOwnerInfo.repositoryDeployKeySetting` twice,
 * which graphql-js rejects unless SDL validation is skipped, and the JSON builds ~3x faster.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientSchema, type DocumentNode, type GraphQLError, type GraphQLSchema, type IntrospectionQuery, parse, validate } from 'graphql';

let cached: { schema: GraphQLSchema; buildMs: number } | undefined;

/** The package's `exports` hide schema.json from resolution, so find it on disk. */
function schemaJsonPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules/@octokit/graphql-schema/schema.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('@octokit/graphql-schema is not installed');
  }
}

/** The schema and how long building it took (only the first call pays). */
export function githubGraphqlSchema(): { schema: GraphQLSchema; buildMs: number } {
  if (cached) return cached;
  const started = performance.now();
  const raw = JSON.parse(readFileSync(schemaJsonPath(), 'utf8')) as
    | IntrospectionQuery
    | { data: IntrospectionQuery };
  const schema = buildClientSchema('data' in raw ? raw.data : raw, { assumeValid: true });
  cached = { schema, buildMs: performance.now() - started };
  return cached;
}

export type ParsedQuery = { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: readonly GraphQLError[] };

const documents = new Map<string, ParsedQuery>();

/**
 * Parses and validates a query against GitHub's schema. Results are cached by query text,
 * since an app sends the same few queries many times (once per page).
 */
export function parseAndValidate(query: string): ParsedQuery {
  let result = documents.get(query);
  if (result) return result;
  try {
    const document = parse(query);
    const errors = validate(githubGraphqlSchema().schema, document);
    result = errors.length > 0 ? { errors } : { document };
  } catch (error) {
    result = { errors: [error as GraphQLError] };
  }
  if (documents.size > 500) documents.clear();
  documents.set(query, result);
  return result;
}

/** Validation errors of a query as readable sentences; empty when GitHub would accept it. */
export function checkGraphqlQuery(query: string): string[] {
  return (parseAndValidate(query).errors ?? []).map((e) => e.message);
}
