/**
 * Risk classification of postgres changes (see src/core/risk.ts): a role gaining power over
 * the cluster, a grant to PUBLIC (every role, present and future) and a membership in a
 * superuser-like role are `sensitive`; a DROP or a REVOKE of everything is `destructive`.
 * Names are read part by part (names.ts escapes) but never validated here: classifiers run on
 * whatever a plan holds and must not throw.
 *
 * Some of these cannot reach a plan through today's schema and scope (SUPERUSER, BYPASSRLS and
 * REPLICATION are not spec fields; PUBLIC and pg_* roles are refused names); they are
 * classified anyway, so widening the schema or the scope never lets one pass as routine.
 */
import type { Change } from '../../core/plan-types.js';
import { fieldChange, type Risk } from '../../core/risk.js';

const sensitive = (reason: string): Risk => ({ level: 'sensitive', reason });
const destructive = (reason: string): Risk => ({ level: 'destructive', reason });

/** The decoded parts of a name (`%2F` is `/`, `%25` is `%`). */
function parts(name: string): string[] {
  return name.split('/').map((part) => part.replace(/%2F/g, '/').replace(/%25/g, '%'));
}

/** `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Role attributes that widen what a role may do, by spec field; each is sensitive when gained. */
const POWERS: ReadonlyArray<[field: string, attribute: string]> = [
  ['superuser', 'SUPERUSER'],
  ['createrole', 'CREATEROLE'],
  ['bypassrls', 'BYPASSRLS'],
  ['createdb', 'CREATEDB'],
  ['replication', 'REPLICATION'],
];

export function classifyRole(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Drops role ${change.name}: logins as it stop working, and its members lose what it granted.`);
  const gained = POWERS.filter(([field]) => {
    const f = fieldChange(change, field);
    return f !== undefined && f.after === true && f.before !== true;
  }).map(([, attribute]) => attribute);
  if (gained.length === 0) return undefined;
  return sensitive(`Gives role ${change.name} ${listed(gained)}${gained.includes('SUPERUSER') ? ': it bypasses every permission check' : ''}.`);
}

/**
 * Roles whose members can act as a superuser, or read or write everything: the bootstrap
 * superuser's usual name and PostgreSQL's predefined roles that reach files, programs or all data.
 */
const SUPERUSER_LIKE = new Set([
  'postgres',
  'pg_read_all_data',
  'pg_write_all_data',
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
]);

export function classifyMembership(change: Change): Risk | undefined {
  const [role = change.name, member = change.name] = parts(change.name);
  if (change.action === 'delete') return destructive(`Revokes role ${role} from ${member}: ${member} loses the privileges it had through it.`);
  if (change.action === 'noop') return undefined;
  if (SUPERUSER_LIKE.has(role) && change.action === 'create') return sensitive(`Grants role ${role} to ${member}: ${member} gets superuser-like access.`);
  const admin = fieldChange(change, 'admin');
  if (admin?.after === true && admin.before !== true) return sensitive(`Lets ${member} grant role ${role} to others (WITH ADMIN OPTION).`);
  return undefined;
}

/** The owner of a database or schema holds every privilege on it and may grant them. */
function ownerChange(change: Change, what: string): Risk | undefined {
  const owner = fieldChange(change, 'owner');
  if (change.action === 'create' || !owner || typeof owner.after !== 'string') return undefined;
  return sensitive(`Makes ${owner.after} the owner of ${what}${typeof owner.before === 'string' ? ` (was ${owner.before})` : ''}: it gets every privilege on it.`);
}

export function classifyDatabase(change: Change): Risk | undefined {
  if (change.action === 'delete') return destructive(`Drops database ${change.name} with all its data.`);
  return ownerChange(change, `database ${change.name}`);
}

export function classifySchema(change: Change): Risk | undefined {
  const [database = change.name, schema = change.name] = parts(change.name);
  if (change.action === 'delete') return destructive(`Drops schema ${schema} of database ${database}.`);
  return ownerChange(change, `schema ${schema} of database ${database}`);
}

/** PUBLIC is every role, including those created later. */
const isPublic = (grantee: string | undefined) => grantee?.toLowerCase() === 'public';

/**
 * A grant kind's classifier: revoking every privilege is destructive; granting to PUBLIC is
 * sensitive; other grants are the kind's daily work. `on` describes the object from the
 * name's parts; the grantee is always the last part.
 */
function grantClassifier(on: (parts: string[]) => string): (change: Change) => Risk | undefined {
  return (change) => {
    const named = parts(change.name);
    const grantee = named.at(-1) ?? change.name;
    const object = on(named);
    if (change.action === 'delete') return destructive(`Revokes every privilege of ${grantee} on ${object}.`);
    if (change.action === 'noop' || !isPublic(grantee)) return undefined;
    return sensitive(`Grants privileges on ${object} to PUBLIC: every role, present and future, gets them.`);
  };
}

export const classifyDatabaseGrant = grantClassifier(([database]) => `database ${database}`);
export const classifySchemaGrant = grantClassifier(([database, schema]) => `schema ${schema} of database ${database}`);
export const classifyTableGrant = grantClassifier(([database, schema]) => `tables of schema ${schema} of database ${database}`);

/** Default privileges name the role whose future objects they cover. */
export function classifyDefaultPrivileges(change: Change): Risk | undefined {
  const [database, schema, forRole = change.name, grantee = change.name] = parts(change.name);
  const objects = `objects ${forRole} creates in schema ${schema} of database ${database}`;
  if (change.action === 'delete') return destructive(`Stops granting ${grantee} privileges on new ${objects}.`);
  if (change.action === 'noop' || !isPublic(grantee)) return undefined;
  return sensitive(`Grants PUBLIC privileges on new ${objects}: every role, present and future, gets them.`);
}
