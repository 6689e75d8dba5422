/**
 * Risk classification of postgres changes (see src/core/risk.ts). Roles gaining the power to
 * create roles or databases, or to grant a role on, are `sensitive`; dropping a database, a
 * schema or a role, and revoking privileges, is `destructive`. SUPERUSER, BYPASSRLS,
 * REPLICATION and grants to PUBLIC cannot be declared at all (the schema rejects them), so
 * they never reach a plan. The provider README's "Risk classification" table lists the same.
 */
import type { Change } from '../../core/plan-types.js';
import { fieldChange, type Risk } from '../../core/risk.js';
import { resourceKey } from '../../core/resource.js';

const ROLE_POWERS = ['createrole', 'createdb'] as const;

export function classifyRole(change: Change): Risk | undefined {
  if (change.action === 'delete') return { level: 'destructive', reason: `Drops role ${change.name}: its logins stop working.` };
  const gained = ROLE_POWERS.filter((power) => {
    const f = fieldChange(change, power);
    return f !== undefined && f.after === true && f.before !== true;
  });
  return gained.length > 0 ? { level: 'sensitive', reason: `Gives role ${change.name} ${gained.map((p) => p.toUpperCase()).join(' and ')}.` } : undefined;
}

export function classifyMembership(change: Change): Risk | undefined {
  const [role, member] = [change.name.slice(0, change.name.indexOf('/')), change.name.slice(change.name.indexOf('/') + 1)];
  if (change.action === 'delete') return { level: 'destructive', reason: `Revokes role ${role} from ${member}.` };
  const admin = fieldChange(change, 'admin');
  if (admin?.after === true && admin.before !== true) return { level: 'sensitive', reason: `Lets ${member} grant role ${role} to others (WITH ADMIN OPTION).` };
  return undefined;
}

/** Databases and schemas: dropping one drops what is in it. */
export function classifyContainer(what: string): (change: Change) => Risk | undefined {
  return (change) => (change.action === 'delete' ? { level: 'destructive', reason: `Drops ${what} ${change.name} and everything in it.` } : undefined);
}

/** Grants: revoking all of them is destructive (access stops); narrowing is routine. */
export function classifyGrant(change: Change): Risk | undefined {
  return change.action === 'delete' ? { level: 'destructive', reason: `Revokes every privilege of ${resourceKey(change)}.` } : undefined;
}
