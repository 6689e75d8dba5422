/**
 * Claims between the config repos of one org: a resource has one config repo, never two
 * writers. Each job of config repo A loads what every other config repo B of the org declares
 * on its default branch (its snapshot by tree, shared through the snapshot cache; its claims
 * parsed once per process and tree), so that
 * - a resource A declares that B declares too is an error diagnostic on A's line (B's jobs
 *   say the same on B's line), so neither applies anything until one of them drops it;
 * - nothing B declares, nor B itself and what Converge creates in B, is ever extraneous to A:
 *   it joins A's footprint, so A never reports nor prunes it;
 * - when B cannot be loaded, A's full run cannot know what B claims, so it leaves every
 *   undeclared resource alone (no extraneous report, no prune) and says why.
 *
 * Cost per job, with no other config repo: nothing. Otherwise, one GraphQL query per other
 * config repo (its default-branch head), a tarball only when its tree is not in the snapshot
 * cache (B's own jobs put it there), and with a pattern in CONVERGE_CONFIG_REPO the
 * installation's repository list (one request per 100 repositories).
 */
import { configError } from '../config/diagnostic.js';
import { loadModel, type Model } from '../config/load.js';
import { hasErrors, type Diagnostic } from '../core/diagnostics.js';
import type { Registry } from '../core/registry.js';
import { DEFAULT_TARGET, parseResourceKey, resourceKey, type DesiredResource, type ResourceRef } from '../core/resource.js';
import { configRepos } from '../env/config-repos.js';
import { appGitHubError, defaultBranchHead, snapshotAt, type GitHubClient, type RepoRef } from '../github-app/index.js';
import { listInstallationRepos } from '../github-app/installation-repos.js';
import { githubFootprint } from '../providers/github/index.js';
import type { WorkerContext } from './context.js';

/** Where another config repo declares a resource. */
export interface Claim {
  /** `owner/repo` of the config repo declaring it. */
  repo: string;
  key: string;
  file: string;
  line: number;
}

/** What the other config repos of the org declare on their default branches. */
export interface OtherClaims {
  /** Their names. */
  repos: string[];
  /** By identity (kind, target, and the name as the kind compares names). */
  byIdentity: Map<string, Claim[]>;
  /** Those whose claims are not fully known (unreadable, or an invalid configuration), and why. */
  unknown: Array<{ repo: string; why: string }>;
}

export const noOtherClaims = (): OtherClaims => ({ repos: [], byIdentity: new Map(), unknown: [] });

interface RepoClaims {
  claims: Claim[];
  invalid?: string;
}

/** Claims per config repo and tree, per registry (kinds decide how names compare); a few repos' worth. */
const kept = new WeakMap<Registry<any>, Map<string, RepoClaims>>();
const KEPT_TREES = 16;

function identity(registry: Registry<any>, ref: ResourceRef): string {
  const nameKey = registry.kind(ref.kind)?.nameKey;
  return `${ref.kind}\u0000${ref.target}\u0000${nameKey ? nameKey(ref.name) : ref.name}`;
}

function claimsOf(model: Model, repo: string, sha: string): RepoClaims {
  const claims = model.resources.map((r) => ({ repo, key: resourceKey(r), file: r.source.file, line: r.source.line }));
  const errors = model.diagnostics.filter((d) => d.severity === 'error').length;
  return hasErrors(model.diagnostics) ? { claims, invalid: `its configuration at ${sha.slice(0, 7)} has ${errors} error${errors === 1 ? '' : 's'}` } : { claims };
}

function keep(registry: Registry<any>, key: string, claims: RepoClaims): RepoClaims {
  let byTree = kept.get(registry);
  if (!byTree) kept.set(registry, (byTree = new Map()));
  byTree.delete(key);
  byTree.set(key, claims);
  for (const oldest of byTree.keys()) {
    if (byTree.size <= KEPT_TREES) break;
    byTree.delete(oldest);
  }
  return claims;
}

/** The other config repos' names: the plain names configured, or the installation's repositories matching a pattern. */
async function otherConfigRepos(context: WorkerContext, client: GitHubClient, self: RepoRef): Promise<string[]> {
  const repos = configRepos(context.env.CONVERGE_CONFIG_REPO);
  let names = repos.names;
  if (!names) {
    names = (await listInstallationRepos(client)).filter((name) => repos.matches(name));
    // What the drift handler needs to turn the org's events into drift checks; only a hint.
    await context.knownConfigRepos?.remember(self.owner, names).catch((error: unknown) => context.log.warn({ err: error }, 'could not record the config repos'));
  }
  return names.filter((name) => name.toLowerCase() !== self.repo.toLowerCase());
}

/** One other config repo's claims at its default-branch head; undefined when it has none (missing, or empty). */
async function repoClaims(context: WorkerContext, client: GitHubClient, ref: RepoRef): Promise<RepoClaims | undefined> {
  const head = await defaultBranchHead(client, ref).catch((error: unknown) => {
    // A name in the list with no repository behind it (or none the app may see) claims nothing.
    if (appGitHubError(error).code === 'not-found') return undefined;
    throw error;
  });
  if (!head) return undefined;
  const key = `${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}:${head.tree}`;
  const known = kept.get(context.registry)?.get(key);
  if (known) return keep(context.registry, key, known);
  const files = await snapshotAt({ client, ref, cache: context.snapshots, log: context.log }, head);
  return keep(context.registry, key, claimsOf(loadModel(files, context.registry), `${ref.owner}/${ref.repo}`, head.sha));
}

/**
 * What the org's other config repos declare. A repo that cannot be read for a reason that may
 * pass (5xx, rate limits) fails the job, which is retried; one that cannot be read for good
 * (no access) is listed as unknown, as is one whose configuration is invalid.
 */
export async function loadOtherClaims(context: WorkerContext, client: GitHubClient, self: RepoRef): Promise<OtherClaims> {
  const names = await otherConfigRepos(context, client, self);
  const found = noOtherClaims();
  for (const repo of names) {
    const ref = { owner: self.owner, repo };
    let claims: RepoClaims | undefined;
    try {
      claims = await repoClaims(context, client, ref);
    } catch (thrown) {
      const error = appGitHubError(thrown);
      if (error.retryable) throw error;
      found.repos.push(repo);
      found.unknown.push({ repo: `${self.owner}/${repo}`, why: `it could not be read (${error.message})` });
      continue;
    }
    if (!claims) continue;
    found.repos.push(repo);
    if (claims.invalid) found.unknown.push({ repo: `${self.owner}/${repo}`, why: claims.invalid });
    for (const claim of claims.claims) {
      // Claims are keys resourceKey wrote, so each reads back.
      const ref = parseResourceKey(claim.key);
      if (!ref) continue;
      const id = identity(context.registry, ref);
      found.byIdentity.set(id, [...(found.byIdentity.get(id) ?? []), claim]);
    }
  }
  return found;
}

/** One error per resource of `model` another config repo declares too, on the resource's own line. */
export function claimConflicts(model: Model, others: OtherClaims, registry: Registry<any>): Diagnostic[] {
  if (others.byIdentity.size === 0) return [];
  return model.resources.flatMap((resource: DesiredResource) =>
    (others.byIdentity.get(identity(registry, resource)) ?? []).map((claim) =>
      configError(
        'claims.conflict',
        `${resourceKey(resource)} is also declared by ${claim.repo} (${claim.file}:${claim.line}): a resource belongs to one config repo, so neither applies anything until one of them stops declaring it.`,
        resource.source,
        resourceKey(resource),
      ),
    ),
  );
}

/** A warning per other config repo whose claims are not fully known: a conflict with it may go unseen until it loads. */
function unknownClaims(others: OtherClaims): Diagnostic[] {
  return others.unknown.map(({ repo, why }) => ({
    severity: 'warning' as const,
    code: 'claims.unknown',
    message: `What ${repo} declares is not fully known (${why}), so a resource it declares too may not be flagged here until it loads again.`,
  }));
}

/** The model with its claim conflicts (and unknown claims) added to its diagnostics; the (cached) model itself is left as it is. */
export function withClaims(model: Model, others: OtherClaims, registry: Registry<any>): Model {
  const found = [...claimConflicts(model, others, registry), ...unknownClaims(others)];
  return found.length === 0 ? model : { ...model, diagnostics: [...model.diagnostics, ...found] };
}

/** Escapes what a glob would read as syntax, so a resource name matches only itself. */
const escapeGlob = (text: string) => text.replace(/[\\*?[\]{}()!+@|,^$.]/g, '\\$&');

/** Braced lists stay well under picomatch's 65,536-character pattern limit. */
const MAX_PATTERN = 30_000;

/**
 * Glob patterns matching exactly `keys`, grouped by `kind@target/` into braced lists: one
 * pattern per name would cost a match per claim for every live resource of a full run.
 */
export function exactKeyPatterns(keys: Iterable<string>): string[] {
  const byPrefix = new Map<string, string[]>();
  for (const key of keys) {
    const slash = key.indexOf('/');
    const prefix = key.slice(0, slash + 1);
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), escapeGlob(key.slice(slash + 1))]);
  }
  const patterns: string[] = [];
  for (const [prefix, names] of byPrefix) {
    let chunk: string[] = [];
    let length = 0;
    const flush = () => {
      if (chunk.length === 1) patterns.push(`${escapeGlob(prefix)}${chunk[0]}`);
      else if (chunk.length > 1) patterns.push(`${escapeGlob(prefix)}{${chunk.join(',')}}`);
      chunk = [];
      length = 0;
    };
    for (const name of names) {
      if (length + name.length > MAX_PATTERN) flush();
      chunk.push(name);
      length += name.length + 1;
    }
    flush();
  }
  return patterns;
}

/** Every live resource: what a full run leaves alone when another config repo's claims are unknown. */
export const EVERYTHING = '**';

/**
 * Converge's footprint for a job of config repo `self`: every config repo of the org and what
 * Converge creates in each (CONVERGE_CONFIG_REPO's names and patterns, so even one the app
 * cannot see), and everything another config repo declares. With `full`, when some other
 * config repo's claims are unknown, everything undeclared (see fullRunHold).
 */
export function footprintFor(model: Pick<Model, 'targets'>, context: WorkerContext, self: RepoRef, others: OtherClaims, options: { full?: boolean } = {}): string[] {
  const targets = model.targets.get('github');
  const entries = [self.repo, ...configRepos(context.env.CONVERGE_CONFIG_REPO).entries];
  const own = [...new Set(entries.flatMap((configRepo) => githubFootprint(targets, { owner: self.owner, configRepo })))];
  const claimed = exactKeyPatterns([...others.byIdentity.values()].flatMap((claims) => claims.map((c) => c.key)));
  return [...own, ...claimed, ...(options.full && others.unknown.length > 0 ? [EVERYTHING] : [])];
}

/**
 * What an import into `self` (the onboarding PR) leaves out besides `self`'s own footprint: the
 * org's other config repos and everything they declare, which `self` would otherwise claim too.
 */
export function importFootprint(context: WorkerContext, self: RepoRef, others: OtherClaims): string[] {
  return footprintFor({ targets: new Map([['github', new Map([[DEFAULT_TARGET, {}]])]]) }, context, self, others);
}

/** Why a full run looked for nothing extraneous, or undefined when it did. */
export function fullRunHold(others: OtherClaims): string | undefined {
  if (others.unknown.length === 0) return undefined;
  const which = others.unknown.map((u) => `${u.repo} (${u.why})`).join('; ');
  return `Extraneous resources were not looked for, and nothing undeclared was pruned: what another config repo declares is never extraneous here, and it is not known for ${which}.`;
}
