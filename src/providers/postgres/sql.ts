import pg from 'pg';

/**
 * Quoting. Every identifier and literal that reaches SQL text goes through these two (pg's
 * own escapers); keywords come only from the fixed lists below, never from user input.
 */
export const ident = (name: string): string => pg.escapeIdentifier(name);
export const literal = (value: string): string => pg.escapeLiteral(value);

/** `"schema"."table"` */
export const qualified = (schema: string, name: string): string => `${ident(schema)}.${ident(name)}`;

export const DATABASE_PRIVILEGES = ['CONNECT', 'CREATE', 'TEMPORARY'] as const;
export const SCHEMA_PRIVILEGES = ['CREATE', 'USAGE'] as const;
export const TABLE_PRIVILEGES = ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'] as const;
export const SEQUENCE_PRIVILEGES = ['SELECT', 'UPDATE', 'USAGE'] as const;
export const FUNCTION_PRIVILEGES = ['EXECUTE'] as const;
export const TYPE_PRIVILEGES = ['USAGE'] as const;

/** Default privileges: spec field → pg_default_acl.defaclobjtype, SQL keyword, privileges. */
export const DEFAULT_OBJECT_TYPES = {
  tables: { code: 'r', keyword: 'TABLES', privileges: TABLE_PRIVILEGES },
  sequences: { code: 'S', keyword: 'SEQUENCES', privileges: SEQUENCE_PRIVILEGES },
  functions: { code: 'f', keyword: 'FUNCTIONS', privileges: FUNCTION_PRIVILEGES },
  types: { code: 'T', keyword: 'TYPES', privileges: TYPE_PRIVILEGES },
} as const;

export type DefaultObjectType = keyof typeof DEFAULT_OBJECT_TYPES;

/**
 * Privilege keywords for SQL. Only names from the lists above pass, so a value that did not
 * come through the schema can never smuggle SQL into a GRANT.
 */
export function privilegeList(privileges: readonly string[], allowed: readonly string[]): string {
  for (const p of privileges) if (!allowed.includes(p)) throw new TypeError(`unknown privilege ${JSON.stringify(p)}`);
  return privileges.join(', ');
}

/** Sorted, without duplicates: the one form both specs and reads use, so arrays compare as sets. */
export function canonicalPrivileges(privileges: Iterable<string>): string[] {
  return [...new Set(privileges)].sort();
}

export function without(all: readonly string[], keep: readonly string[]): string[] {
  return all.filter((p) => !keep.includes(p));
}

/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regexes = patterns.map(
    (p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's'),
  );
  return (name) => regexes.some((r) => r.test(name));
}
