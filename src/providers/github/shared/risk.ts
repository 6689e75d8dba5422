/**
 * What the github kinds' classifiers (`<kind>/risk.ts`) share: the permission ladder, what a
 * list gains or loses, and the shape of a "weakens" sentence. Everything here is pure and
 * reads planned values as `unknown`: a create has no `before`, and a live value may be
 * spelled in a way the schema does not know (a custom repository role).
 */
import type { Change } from '../../../core/plan-types.js';
import { fieldChange, type Risk } from '../../../core/risk.js';
import { jsonEqual } from '../../../core/diff.js';
import { permissionOf, type Permission } from './permissions.js';

export const sensitive = (reason: string): Risk => ({ level: 'sensitive', reason });
export const destructive = (reason: string): Risk => ({ level: 'destructive', reason });

/** Least to most: `read` and `write` are GitHub's names for `pull` and `push`. */
const PERMISSION_LADDER: readonly Permission[] = ['pull', 'triage', 'push', 'maintain', 'admin'];

/** Where a permission sits on the ladder; -1 for anything else (a custom role, nothing). */
export function permissionRank(value: unknown): number {
  return typeof value === 'string' ? PERMISSION_LADDER.indexOf(permissionOf(value) as Permission) : -1;
}

export interface Raise {
  /** The permission before; undefined when the grantee had none (a create, a new grantee). */
  from?: string;
  to: string;
}

/**
 * The permission a grant change gives, when it reaches at least `floor` and is more than the
 * grantee had. `grantee` picks the grantee out of a name: a rename that moves the grant to
 * someone else is a new grant for them, whatever the old grantee had.
 */
export function raisedPermission(change: Change, floor: Permission, grantee: (name: string) => string | undefined): Raise | undefined {
  if (change.action === 'delete' || change.action === 'noop') return undefined;
  const field = fieldChange(change, 'permission');
  const to = field ? field.after : change.desired?.permission;
  if (typeof to !== 'string' || permissionRank(to) < permissionRank(floor)) return undefined;
  const moved = change.action === 'rename' && change.fromName !== undefined && grantee(change.fromName)?.toLowerCase() !== grantee(change.name)?.toLowerCase();
  const before = change.action === 'create' || moved ? undefined : field ? field.before : change.actual?.permission;
  if (before !== undefined && before !== null && permissionRank(before) >= permissionRank(to)) return undefined;
  return before === undefined || before === null ? { to } : { from: String(before), to };
}

/** " (was push)" after a raise's sentence, or nothing for a new grant. */
export const was = (raise: Raise): string => (raise.from === undefined ? '' : ` (was ${raise.from})`);

/** Items of `after` that `before` lacks (JSON equality); a missing list is empty. */
export function addedItems(before: unknown, after: unknown): unknown[] {
  const old = Array.isArray(before) ? before : [];
  return (Array.isArray(after) ? after : []).filter((item) => !old.some((o) => jsonEqual(o, item)));
}

/** Items of `before` that `after` lacks. */
export function removedItems(before: unknown, after: unknown): unknown[] {
  return addedItems(after, before);
}

/** A field that was `true` and no longer is (turned off, or the section holding it removed). */
export function turnedOff(change: Change, path: string): boolean {
  const field = fieldChange(change, path);
  return field !== undefined && field.before === true && field.after !== true;
}

/** A field that is now `true` and was not. */
export function turnedOn(change: Change, path: string): boolean {
  const field = fieldChange(change, path);
  return field !== undefined && field.after === true && field.before !== true;
}

/** A whole section set to `null` (turned off) where it was on. */
export function sectionRemoved(change: Change, path: string): boolean {
  const field = fieldChange(change, path);
  return field !== undefined && field.after === null && field.before !== null && field.before !== undefined;
}

/** Names for a sentence: `a, b and c`. */
export function listed(names: readonly unknown[]): string {
  const text = names.map(String);
  return text.length <= 1 ? text.join('') : `${text.slice(0, -1).join(', ')} and ${text.at(-1)}`;
}

/** One sentence naming every way a protection weakens; undefined when it does not. */
export function weakens(subject: string, ways: readonly string[]): Risk | undefined {
  return ways.length === 0 ? undefined : sensitive(`Weakens ${subject}: ${ways.join('; ')}.`);
}
