import { createHash } from 'node:crypto';
import { DEFAULT_TARGET, providerOf, type ResourceRef } from '../core/resource.js';

/**
 * Where an imported resource goes: a group (one file) and the name its file is called after.
 * GitHub: a repository with every child of it (`repos/<name>.yml`), a team (`teams/<slug>.yml`),
 * org-level kinds in `org/`; PostgreSQL: its roles in one file, each database with what is in
 * it in another. Kinds the table does not know get a file of their own per target.
 */
interface Placement {
  /** The folder, relative to the target's root. */
  folder: string;
  /** What the file is named after (a repository, a team, a database); unique in the folder. */
  stem: string;
  /** Whether the target compares stems without regard to case (GitHub repository names). */
  ignoresCase?: boolean;
}

const REPOSITORY_CHILDREN = new Set([
  'github.label',
  'github.branch-protection',
  'github.ruleset',
  'github.environment',
  'github.variable',
  'github.collaborator',
]);

/** Names of the form `<parent>/<child>` split at the first `/`, as the providers read them. */
function parentOf(name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(0, slash);
}

function childOf(name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}

function placementOf(ref: ResourceRef): Placement {
  if (ref.kind === 'github.repository') return { folder: 'repos', stem: ref.name, ignoresCase: true };
  if (REPOSITORY_CHILDREN.has(ref.kind)) return { folder: 'repos', stem: parentOf(ref.name), ignoresCase: true };
  // A grant is shown with the repository it opens, beside its collaborators.
  if (ref.kind === 'github.team-repository') return { folder: 'repos', stem: childOf(ref.name), ignoresCase: true };
  if (ref.kind === 'github.team') return { folder: 'teams', stem: ref.name };
  if (ref.kind === 'github.member') return { folder: 'org', stem: 'members' };
  if (ref.kind === 'github.org-variable') return { folder: 'org', stem: 'variables' };
  if (ref.kind === 'github.org-ruleset') return { folder: 'org', stem: 'rulesets' };
  if (ref.kind === 'postgres.role' || ref.kind === 'postgres.role-membership') return { folder: '', stem: 'roles' };
  if (ref.kind === 'postgres.database') return { folder: 'databases', stem: ref.name };
  if (ref.kind.startsWith('postgres.')) return { folder: 'databases', stem: parentOf(ref.name) };
  return { folder: '', stem: ref.kind.slice(ref.kind.indexOf('.') + 1) };
}

/** The folder of a target: GitHub's default target at the root, others under their provider. */
function targetRoot(ref: ResourceRef): string {
  const provider = providerOf(ref.kind);
  if (provider === 'github') return ref.target === DEFAULT_TARGET ? '' : `github/${safeSegment(ref.target)}`;
  return `${provider}/${safeSegment(ref.target)}`;
}

const SAFE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * A file or folder name for any string: kept when it is plain, otherwise its unsafe
 * characters replaced and a hash of the original appended, so distinct names stay distinct.
 * A leading dot is kept as `_`: `.github` would otherwise be a hidden file.
 */
export function safeSegment(name: string): string {
  if (SAFE.test(name) && !WINDOWS_RESERVED.test(name) && name.length <= 100) return name;
  const readable = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '_').slice(0, 60);
  return `${readable}~${hashOf(name)}`;
}

/** A group of resources written to one file. */
export interface FileGroup {
  /** Identifies the group: resources with the same id share a file. */
  id: string;
  path: string;
}

/**
 * The file of every resource. Paths are unique even where the file system ignores case: two
 * stems that differ only in case get a hash each (GitHub cannot have two such repositories,
 * but other names can).
 */
export function fileGroups(refs: readonly ResourceRef[]): Map<ResourceRef, FileGroup> {
  const proposed = new Map<ResourceRef, { id: string; path: string; stem: string }>();
  for (const ref of refs) {
    const placement = placementOf(ref);
    const root = targetRoot(ref);
    const folder = [root, placement.folder].filter((part) => part !== '').join('/');
    const id = `${folder}\u0000${placement.ignoresCase ? placement.stem.toLowerCase() : placement.stem}`;
    proposed.set(ref, { id, stem: placement.stem, path: `${folder === '' ? '' : `${folder}/`}${safeSegment(placement.stem)}.yml` });
  }
  // The first stem seen names a case-insensitive group (`API` and its label `api/bug` share one file).
  const pathOfId = new Map<string, string>();
  for (const entry of proposed.values()) if (!pathOfId.has(entry.id)) pathOfId.set(entry.id, entry.path);
  const idsByPath = new Map<string, Set<string>>();
  for (const [id, path] of pathOfId) {
    const key = path.toLowerCase();
    idsByPath.set(key, new Set([...(idsByPath.get(key) ?? []), id]));
  }
  const out = new Map<ResourceRef, FileGroup>();
  for (const [ref, entry] of proposed) {
    let path = pathOfId.get(entry.id)!;
    if (idsByPath.get(path.toLowerCase())!.size > 1) path = path.replace(/\.yml$/, `~${hashOf(entry.id)}.yml`);
    out.set(ref, { id: entry.id, path });
  }
  return out;
}
