import { z } from 'zod';
import { identifierProblem, roleNameProblem } from './names.js';
import {
  canonicalPrivileges,
  DATABASE_PRIVILEGES,
  FUNCTION_PRIVILEGES,
  SCHEMA_PRIVILEGES,
  SEQUENCE_PRIVILEGES,
  TABLE_PRIVILEGES,
  TYPE_PRIVILEGES,
} from './sql.js';

/**
 * Prefixes an environment variable must start with before a config repo may name it. Anyone
 * who can open a PR writes converge.yml, so a free choice would let them point a password at
 * PRIVATE_KEY, WEBHOOK_SECRET or REDIS_URL and have it set on a role they can log in as. No
 * variable Probot or Converge reads starts with these (libpq's own are PGHOST, PGPASSWORD...).
 */
export const SECRET_ENV_PREFIXES = ['PG_', 'CONVERGE_SECRET_'] as const;

const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be the name of an environment variable', abort: true })
  .refine((name) => SECRET_ENV_PREFIXES.some((prefix) => name.startsWith(prefix)), {
    message: `must start with ${SECRET_ENV_PREFIXES.join(' or ')} (only such variables may be named in the config repo)`,
  });

const RoleName = z.string().superRefine((value, ctx) => {
  const problem = roleNameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const Identifier = (what: string) =>
  z.string().superRefine((value, ctx) => {
    const problem = identifierProblem(value, what);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** PostgreSQL stores these as int4, so anything past its range fails at apply time. */
const INT4_MAX = 2_147_483_647;

/** -1 is unlimited; rolconnlimit and datconnlimit are int4. */
const ConnectionLimit = z.number().int().min(-1).max(INT4_MAX);

/**
 * A privilege list: case-insensitive, `ALL` expands to every privilege of the object type
 * (never sent as `ALL`, so servers that add privileges do not make specs drift), `TEMP` is
 * `TEMPORARY`. The output is sorted and deduplicated, so lists compare as sets.
 */
function Privileges(allowed: readonly string[], { allowEmpty }: { allowEmpty: boolean }) {
  const names = new Set([...allowed, 'ALL', ...(allowed.includes('TEMPORARY') ? ['TEMP'] : [])]);
  const item = z
    .string()
    .transform((p) => p.trim().toUpperCase())
    .refine((p) => names.has(p), { message: `must be one of ${[...allowed, 'ALL'].join(', ')}` });
  const list = allowEmpty ? z.array(item) : z.array(item).min(1);
  return list.transform((items) =>
    canonicalPrivileges(items.flatMap((p) => (p === 'ALL' ? allowed : p === 'TEMP' ? ['TEMPORARY'] : [p]))),
  );
}

/** An ISO 8601 date or date-time (normalised to UTC milliseconds), or `infinity`. */
const ValidUntil = z
  .string()
  .refine((v) => v === 'infinity' || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), {
    message: 'must be an ISO 8601 date or date-time (with time zone), or "infinity"',
  })
  .transform((v) => (v === 'infinity' ? v : new Date(v).toISOString()));

export const Role = z
  .strictObject({
    login: z.boolean().optional(),
    inherit: z.boolean().optional(),
    createdb: z.boolean().optional(),
    createrole: z.boolean().optional(),
    /** -1 is unlimited. */
    connectionLimit: ConnectionLimit.optional(),
    validUntil: ValidUntil.optional(),
    /** The environment variable holding the password; the password itself never is in the repo. */
    passwordFromEnv: EnvName.optional(),
    /** Change it to set the password again (rotation); any string or number. */
    passwordVersion: z.union([z.string().min(1), z.number()]).transform(String).optional(),
  })
  .refine((s) => s.passwordVersion === undefined || s.passwordFromEnv !== undefined, {
    message: 'passwordVersion needs passwordFromEnv',
    path: ['passwordVersion'],
  });
export type Role = z.infer<typeof Role>;

export const RoleMembership = z.strictObject({
  /** WITH ADMIN OPTION: the member may grant the role to others. */
  admin: z.boolean().optional(),
});
export type RoleMembership = z.infer<typeof RoleMembership>;

export const Database = z.strictObject({
  owner: RoleName.optional(),
  connectionLimit: ConnectionLimit.optional(),
});
export type Database = z.infer<typeof Database>;

export const Schema = z.strictObject({
  owner: RoleName.optional(),
});
export type Schema = z.infer<typeof Schema>;

export const DatabaseGrant = z.strictObject({
  privileges: Privileges(DATABASE_PRIVILEGES, { allowEmpty: false }),
});
export type DatabaseGrant = z.infer<typeof DatabaseGrant>;

export const SchemaGrant = z.strictObject({
  privileges: Privileges(SCHEMA_PRIVILEGES, { allowEmpty: false }),
});
export type SchemaGrant = z.infer<typeof SchemaGrant>;

const TablePrivileges = Privileges(TABLE_PRIVILEGES, { allowEmpty: true });

/**
 * The grantee's privileges on the tables (and views) of one schema: every table gets
 * `allTables` plus its own entry in `tables`, and nothing else.
 */
export const TableGrant = z
  .strictObject({
    allTables: TablePrivileges.optional(),
    tables: z.record(Identifier('table name'), TablePrivileges).optional(),
  })
  .refine((s) => (s.allTables ?? []).length > 0 || Object.values(s.tables ?? {}).some((p) => p.length > 0), {
    message: 'grant at least one privilege in allTables or tables (remove the resource to revoke everything)',
  });
export type TableGrant = z.infer<typeof TableGrant>;

/** ALTER DEFAULT PRIVILEGES … IN SCHEMA: privileges on objects the role creates later. */
export const DefaultPrivileges = z
  .strictObject({
    tables: TablePrivileges.optional(),
    sequences: Privileges(SEQUENCE_PRIVILEGES, { allowEmpty: true }).optional(),
    functions: Privileges(FUNCTION_PRIVILEGES, { allowEmpty: true }).optional(),
    types: Privileges(TYPE_PRIVILEGES, { allowEmpty: true }).optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined && v.length > 0), {
    message: 'grant at least one privilege in tables, sequences, functions or types (remove the resource to revoke everything)',
  });
export type DefaultPrivileges = z.infer<typeof DefaultPrivileges>;

const Patterns = z.array(z.string().min(1)).default([]);

/** One target's settings in converge.yml. */
export const TargetSettings = z.strictObject({
  /** The environment variable holding the connection string (a postgres:// URL). */
  connectionFromEnv: EnvName,
  /**
   * Databases whose contents (schemas, grants in them, default privileges) this target reads
   * and changes, as patterns (`*` any characters, `?` one). Default: every database.
   */
  databases: z.array(z.string().min(1)).min(1).optional(),
  /** Objects never read nor touched, besides the system ones. Patterns on plain names. */
  ignore: z
    .strictObject({ roles: Patterns, databases: Patterns, schemas: Patterns })
    .default({ roles: [], databases: [], schemas: [] }),
  /** What DROP ROLE does with what the role owns. Default: refuse to drop a role that owns anything. */
  dropRole: z
    .strictObject({
      /** REASSIGN OWNED BY the role TO this role (in every database) before dropping it. */
      reassignOwnedTo: RoleName.optional(),
      /** DROP OWNED BY the role: destroys the objects it still owns. Off by default. */
      dropOwned: z.boolean().default(false),
    })
    .default({ dropOwned: false }),
  /** Whether a database removed from the model may be dropped (data loss). Default false. */
  allowDropDatabase: z.boolean().default(false),
  /** Node's timers and PostgreSQL's lock_timeout (milliseconds, int4) both stop at 2^31 - 1. */
  connectTimeoutMs: z.number().int().positive().max(INT4_MAX).default(10_000),
  /** Statements waiting longer for a lock fail (and are retried) instead of blocking the run. */
  lockTimeoutMs: z.number().int().positive().max(INT4_MAX).default(10_000),
});
export type TargetSettings = z.infer<typeof TargetSettings>;
