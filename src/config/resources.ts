import type { Diagnostic, SourceLocation } from '../core/diagnostics.js';
import type { ResourceKind } from '../core/provider.js';
import type { Registry } from '../core/registry.js';
import { DEFAULT_TARGET, providerOf, type DesiredResource } from '../core/resource.js';
import { withDefaults, type DefaultsSelector, type LoadedDefaults } from './defaults.js';
import { configError } from './diagnostic.js';
import { Identities } from './identity.js';
import { issuesToDiagnostics } from './issues.js';
import { MAX_MODEL_VALUES, MAX_SPEC_VALUES } from './limits.js';
import type { ParsedResource } from './parse.js';
import type { Targets } from './repo-config.js';
import { REPO_CONFIG_FILE, type RepoConfig, type ResourceDocument } from './schema.js';
import { suggest } from './suggest.js';

export interface ResourceContext {
  registry: Registry;
  config: RepoConfig;
  targets: Targets;
  /** False when converge.yml is broken: a resource then skips the target error it would repeat. */
  configValid: boolean;
  defaultsFor: DefaultsSelector;
}

function resolveTarget(envelope: ResourceDocument, targets: Targets): string | { error: string } {
  const provider = providerOf(envelope.kind);
  const available = targets.get(provider);
  if (!available) return { error: `provider "${provider}" is not enabled in ${REPO_CONFIG_FILE}` };
  if (envelope.target !== undefined) {
    return available.has(envelope.target)
      ? envelope.target
      : { error: `target "${envelope.target}" is not declared for provider "${provider}" in ${REPO_CONFIG_FILE}` };
  }
  if (available.has(DEFAULT_TARGET)) return DEFAULT_TARGET;
  if (available.size === 1) return [...available.keys()][0]!;
  return { error: `provider "${provider}" has several targets; set "target" to one of ${[...available.keys()].join(', ')}` };
}

/**
 * What identifies the resource, or why it cannot be identified: an unknown kind, a target
 * converge.yml does not declare, a name the kind rejects. A rejected resource without a
 * problem is skipped silently.
 */
function identify(
  { doc, envelope }: ParsedResource,
  ctx: ResourceContext,
  label: string,
  subject: string,
): { kind: ResourceKind; target: string } | { rejected: Diagnostic | undefined } {
  const kind = ctx.registry.kind(envelope.kind);
  if (!kind) {
    const known = ctx.registry.kinds().map((k) => k.kind);
    const near = suggest(envelope.kind, known);
    const hint = near ? `; did you mean "${near}"?` : ` (known kinds: ${known.join(', ')}).`;
    return { rejected: configError('resource.unknown-kind', `${subject}: unknown kind "${envelope.kind}"${hint}`, doc.locate(['kind']), label) };
  }
  const target = resolveTarget(envelope, ctx.targets);
  if (typeof target !== 'string') {
    // With a broken converge.yml every resource would repeat the same error: report it once.
    if (!ctx.configValid) return { rejected: undefined };
    return { rejected: configError('resource.target', `${subject}: ${target.error}.`, doc.locate(envelope.target ? ['target'] : ['kind']), label) };
  }
  const nameProblem = kind.validateName?.(envelope.name);
  if (nameProblem) return { rejected: configError('resource.name', `${subject}: ${nameProblem}`, doc.locate(['name']), label) };
  return { kind, target };
}

/** Why the resource's previousNames cannot be used: its kind cannot be renamed, or it rejects one of them. */
function previousNamesProblem(kind: ResourceKind, { doc, envelope }: ParsedResource, label: string, subject: string): Diagnostic | undefined {
  if (envelope.previousNames.length === 0) return undefined;
  if (!kind.renamable) {
    return configError('resource.rename-unsupported', `${subject}: ${envelope.kind} cannot be renamed, so previousNames is not allowed.`, doc.locate(['previousNames']), label);
  }
  for (const [index, previous] of envelope.previousNames.entries()) {
    const problem = kind.validateName?.(previous);
    if (problem) return configError('resource.name', `${subject}: previous name "${previous}": ${problem}`, doc.locate(['previousNames', index]), label);
  }
  return undefined;
}

/**
 * Defaults fan out, so what merging costs is bounded before merging: per resource, and over
 * the whole model (past that bound, nothing more is loaded and it is said once).
 */
class ValueBudget {
  private used = 0;
  private exhausted = false;

  /** A diagnostic when this resource does not fit, `null` to skip it silently, else undefined. */
  admit(values: number, label: string, at: SourceLocation): Diagnostic | null | undefined {
    if (values > MAX_SPEC_VALUES) {
      return configError('resource.too-large', `${at.file}: ${label}: its spec holds ${values.toLocaleString('en-US')} values with its defaults merged in, more than the limit of ${MAX_SPEC_VALUES.toLocaleString('en-US')} (see Limits in the README).`, at, label);
    }
    this.used += values;
    if (this.used <= MAX_MODEL_VALUES) return undefined;
    if (this.exhausted) return null;
    this.exhausted = true;
    return configError('model.too-large', `${at.file}: ${label}: with defaults merged in, the model holds more than ${MAX_MODEL_VALUES.toLocaleString('en-US')} values, the limit (see Limits in the README); nothing from here on was loaded.`, at, label);
  }
}

function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let node = value;
  for (const part of path) {
    if (node === null || typeof node !== 'object' || !(String(part) in node)) return false;
    node = (node as Record<string, unknown>)[String(part)];
  }
  return true;
}

/** Where a field comes from when the resource leaves it to defaults: the strongest defaults that set it. */
function fieldLocator(own: Record<string, unknown>, applied: readonly LoadedDefaults[]): (path: string) => SourceLocation | undefined {
  return (path) => {
    const parts = path.split('.');
    if (hasPath(own, parts)) return undefined;
    for (let i = applied.length - 1; i >= 0; i--) {
      const d = applied[i]!;
      if (hasPath(d.spec, parts)) return d.locate(['spec', ...parts]);
    }
    return undefined;
  };
}

/** The spec with defaults merged, checked by the kind's schema; its problems point where the value was set. */
function validateSpec(
  kind: ResourceKind,
  { doc, envelope }: ParsedResource,
  applied: readonly LoadedDefaults[],
  label: string,
  subject: string,
): { spec: Record<string, unknown> } | { problems: Diagnostic[] } {
  const input = withDefaults(envelope.spec, applied);
  const result = kind.spec.safeParse(input);
  if (result.success) return { spec: result.data };
  // Point at the resource's own line unless the field comes from defaults: then at the strongest that set it.
  const locate = (path: readonly PropertyKey[], key?: string) => {
    const field = key === undefined ? path.slice(1) : [...path.slice(1), key];
    const from = field.length > 0 && !hasPath(envelope.spec, field) ? applied.findLast((d) => hasPath(d.spec, field)) : undefined;
    return (from?.locate ?? doc.locate)(path, key);
  };
  return { problems: issuesToDiagnostics(result.error.issues, { schema: kind.spec, input, doc, prefix: ['spec'], subject, resource: label, locate }) };
}

/**
 * Load step four: turn parsed envelopes into desired resources (identity, duplicates, previous
 * names, defaults merged within the value budget, the kind's schema). Every resource with a
 * problem is left out with a diagnostic; the others load. Each declaration is checked as far
 * as its problems allow, so one load reports every problem of the repo.
 */
export function validateResources(parsed: readonly ParsedResource[], ctx: ResourceContext, diagnostics: Diagnostic[]): DesiredResource[] {
  const resources: DesiredResource[] = [];
  const identities = new Identities(ctx.registry);
  const budget = new ValueBudget();
  for (const item of parsed) {
    const { doc, envelope } = item;
    const label = `${envelope.kind}/${envelope.name}`;
    const subject = `${doc.file}: ${label}`;
    const identified = identify(item, ctx, label, subject);
    if ('rejected' in identified) {
      if (identified.rejected) diagnostics.push(identified.rejected);
      continue;
    }
    const { kind, target } = identified;
    const problems: Diagnostic[] = [];
    const previousProblem = previousNamesProblem(kind, item, label, subject);
    if (previousProblem) problems.push(previousProblem);
    const previousNames = previousProblem ? [] : envelope.previousNames;
    const duplicate = identities.claim(kind, { kind: envelope.kind, target, name: envelope.name, previousNames, source: doc.start }, label);
    if (duplicate) problems.push(duplicate);
    const applied = ctx.defaultsFor(envelope.kind, target, envelope.name);
    const overBudget = budget.admit(doc.values + applied.reduce((n, d) => n + d.values, 0), label, doc.start);
    if (overBudget) problems.push(overBudget);
    // A broken spec field is reported already; checking what replaced it would only add noise.
    const validated = overBudget !== undefined || item.broken.includes('spec') ? undefined : validateSpec(kind, item, applied, label, subject);
    if (validated && 'problems' in validated) problems.push(...validated.problems);
    diagnostics.push(...problems);
    if (!validated || 'problems' in validated || problems.length > 0 || item.broken.length > 0) continue;
    const resource: DesiredResource = {
      kind: envelope.kind,
      target,
      name: envelope.name,
      spec: validated.spec,
      previousNames,
      lifecycle: envelope.lifecycle,
      owners: envelope.owners.length > 0 ? envelope.owners : (applied.findLast((d) => d.owners.length > 0)?.owners ?? ctx.config.owners),
      source: doc.start,
      dependsOn: [...new Set(applied.map((d) => d.file))],
      ...(applied.length > 0 ? { locateField: fieldLocator(envelope.spec, applied) } : {}),
    };
    // The kind's own checks of a valid resource, with no call to the target.
    const own = kind.validateConfig?.(resource) ?? [];
    diagnostics.push(...own.map((p): Diagnostic => ({ severity: 'error', code: p.code, message: `${subject}: ${p.message}`, location: doc.start, resource: label })));
    if (own.length === 0) resources.push(resource);
  }
  diagnostics.push(...identities.checkPreviousNames());
  return resources;
}
