/**
 * The adopt PR's text. One PR per config repo gathers every adoption until it is merged or
 * closed: its body keeps the adopted resources as hidden data, so each job adds to the list
 * instead of replacing it. Pure.
 */
import type { Attribution } from '../github-app/render/drift-items.js';
import { attributionLine } from '../github-app/render/drift-items.js';
import { code } from '../github-app/render/markdown.js';
import type { AdoptedResource } from './adopt.js';

/** The branch every adopt PR comes from: one per config repo, so it is found again. */
export const ADOPT_BRANCH = 'converge/adopt';

/** One resource the PR adopts, with who asked and who made the change, when known. */
export interface AdoptEntry extends AdoptedResource {
  /** The admin who commented `/converge adopt` (confirmed by GitHub); none: the full run in adopt mode. */
  requestedBy?: string;
  /** Who changed it live, from the drift issue's item; none: found by the full run. */
  changedBy?: Attribution;
  /** The drift issue the item was on. */
  issue?: number;
}

const DATA = /<!-- converge:adopt ([A-Za-z0-9_-]*) -->/;
const VALUE_CHARS = 120;

/** The entries an adopt PR's body keeps (none for a body Converge did not write). */
export function parseEntries(body: string | undefined): AdoptEntry[] {
  const match = body?.match(DATA);
  if (!match) return [];
  try {
    const data = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { v?: number; entries?: AdoptEntry[] };
    return data.v === 1 && Array.isArray(data.entries) ? data.entries : [];
  } catch {
    return [];
  }
}

/** Earlier entries with the new ones on top: a resource adopted again is listed once, as adopted last, its fields merged. */
export function mergeEntries(previous: readonly AdoptEntry[], added: readonly AdoptEntry[]): AdoptEntry[] {
  const byKey = new Map(previous.map((e) => [e.key, e] as const));
  for (const entry of added) {
    const before = byKey.get(entry.key);
    const fields = [...(before?.fields.filter((f) => !entry.fields.some((g) => g.path === f.path)) ?? []), ...entry.fields];
    byKey.set(entry.key, { ...entry, fields, created: entry.created || (before?.created ?? false), notes: [...new Set([...(before?.notes ?? []), ...entry.notes])] });
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const shown = (value: unknown) => {
  const json = JSON.stringify(value) ?? 'null';
  return code(json.length > VALUE_CHARS ? `${json.slice(0, VALUE_CHARS - 1)}…` : json);
};

export function adoptTitle(entries: readonly AdoptEntry[]): string {
  return entries.length === 1 ? `Adopt live changes: ${entries[0]!.key}` : `Adopt live changes: ${entries.length} resources`;
}

/** The PR body: why it exists, each resource with what it declares now and whose change it was, then the hidden data. */
export function adoptBody(entries: readonly AdoptEntry[], now: Date): string {
  const out = [
    'Converge opened this pull request to **adopt** drift: it changes the configuration so that it declares these resources as they are live, instead of reverting them.',
    'Its plan check shows no changes to the target. Once it is merged, the next full run finds no drift here and closes the drift items it covers.',
    '',
  ];
  for (const entry of entries) {
    out.push(`### ${code(entry.key)} in ${code(entry.file)}`);
    if (entry.created) out.push('- A new document: the resource was live but not declared.');
    for (const field of entry.fields) out.push(`- ${code(`spec.${field.path}`)}: ${shown(field.value)}`);
    for (const note of entry.notes) out.push(`- ${note}`);
    const asked = entry.requestedBy ? `Adoption asked by @${entry.requestedBy}` : 'Adopted by the full run (drift mode `adopt`)';
    out.push('', `${attributionLine(entry.changedBy, now)} ${asked}${entry.issue !== undefined ? ` in #${entry.issue}` : ''}.`, '');
  }
  const data = Buffer.from(JSON.stringify({ v: 1, entries }), 'utf8').toString('base64url');
  out.push(`<!-- converge:adopt ${data} -->`);
  return out.join('\n');
}

/** The commit message of one adoption. */
export function adoptMessage(added: readonly AdoptEntry[]): string {
  const keys = added.map((e) => e.key);
  return `Adopt live state of ${keys.length === 1 ? keys[0] : `${keys.length} resources`}\n\nDeclare ${keys.join(', ')} as ${keys.length === 1 ? 'it is' : 'they are'} live, so that the drift is kept instead of reverted.`;
}
