/**
 * Resource names. A name is a path of PostgreSQL identifiers joined by `/`; inside each part
 * `%` is written `%25` and `/` is written `%2F`, and no other escape exists. So a name always
 * splits into its parts one way only, whatever characters the identifiers hold, and every
 * object has exactly one name (which full runs rely on to match live objects to the model).
 */

export const KIND = {
  role: 'postgres.role',
  membership: 'postgres.role-membership',
  database: 'postgres.database',
  schema: 'postgres.schema',
  databaseGrant: 'postgres.database-grant',
  schemaGrant: 'postgres.schema-grant',
  tableGrant: 'postgres.table-grant',
  defaultPrivileges: 'postgres.default-privileges',
} as const;

export type KindName = (typeof KIND)[keyof typeof KIND];

type Part = 'role' | 'member' | 'database' | 'schema' | 'grantee' | 'forRole';

/** The parts each kind's name is made of, in order. */
export const LAYOUT: Record<KindName, readonly Part[]> = {
  [KIND.role]: ['role'],
  [KIND.membership]: ['role', 'member'],
  [KIND.database]: ['database'],
  [KIND.schema]: ['database', 'schema'],
  [KIND.databaseGrant]: ['database', 'grantee'],
  [KIND.schemaGrant]: ['database', 'schema', 'grantee'],
  [KIND.tableGrant]: ['database', 'schema', 'grantee'],
  [KIND.defaultPrivileges]: ['database', 'schema', 'forRole', 'grantee'],
};

const ROLE_PARTS = new Set<Part>(['role', 'member', 'grantee', 'forRole']);

/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1), which would never converge. */
export const MAX_IDENTIFIER_BYTES = 63;

export function isKindName(kind: string): kind is KindName {
  return Object.prototype.hasOwnProperty.call(LAYOUT, kind);
}

export function encodePart(part: string): string {
  return part.replace(/%/g, '%25').replace(/\//g, '%2F');
}

export function joinName(parts: readonly string[]): string {
  return parts.map(encodePart).join('/');
}

/** A sentence when `value` cannot be a PostgreSQL identifier as Converge writes it. */
export function identifierProblem(value: string, what = 'identifier'): string | undefined {
  if (value.length === 0) return `${what} must not be empty.`;
  if (value.includes('\u0000')) return `${what} must not contain a NUL character.`;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) return `${what} "${value}" is ${bytes} bytes long; PostgreSQL allows ${MAX_IDENTIFIER_BYTES}.`;
  return undefined;
}

/** A sentence when `value` cannot name a role Converge manages or refers to. */
export function roleNameProblem(value: string, what = 'role name'): string | undefined {
  const problem = identifierProblem(value, what);
  if (problem) return problem;
  if (value === 'public' || value === 'none') return `${what} "${value}" is reserved by PostgreSQL (PUBLIC grants are not managed).`;
  if (value.startsWith('pg_')) return `${what} "${value}" is reserved for PostgreSQL's system roles.`;
  return undefined;
}

function decodePart(raw: string): string | undefined {
  if (/%(?!25|2F)/.test(raw)) return undefined;
  return raw.replace(/%2F/g, '/').replace(/%25/g, '%');
}

export type NameParts = Partial<Record<Part, string>>;

/** The parts of a name, or a sentence explaining why it is not a name of `kind`. */
export function parseName(kind: KindName, name: string): NameParts | string {
  const layout = LAYOUT[kind];
  const raw = name.split('/');
  const shape = layout.map((p) => `<${p}>`).join('/');
  if (raw.length !== layout.length) {
    return `"${name}" is not a ${kind} name: write it as ${shape} (write "/" inside a part as %2F and "%" as %25).`;
  }
  const parts: NameParts = {};
  for (const [i, part] of layout.entries()) {
    const value = decodePart(raw[i]!);
    if (value === undefined) {
      return `"${name}" is not a ${kind} name: inside a part only %25 ("%") and %2F ("/") may follow a "%".`;
    }
    const problem = ROLE_PARTS.has(part) ? roleNameProblem(value, part) : identifierProblem(value, part);
    if (problem) return `"${name}": ${problem}`;
    parts[part] = value;
  }
  return parts;
}
