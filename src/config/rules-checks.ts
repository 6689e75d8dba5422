/**
 * Checks on converge.yml `policies` that need more than the schema: a rule that names an
 * unknown kind or field would silently guard nothing, so each is a diagnostic on its line,
 * like every other problem in converge.yml.
 */
import picomatch from 'picomatch';
import type { Diagnostic, SourceLocation } from '../core/diagnostics.js';
import type { ResourceKind } from '../core/provider.js';
import { configError } from './diagnostic.js';
import { knownFields } from './known-fields.js';
import { REPO_CONFIG_FILE, type PolicyRule, type RepoConfig } from './schema.js';
import { suggest } from './suggest.js';
import type { YamlDocument } from './yaml.js';

const GLOB = /[*?[\]{}()!+]/;

const listOf = (value: string | readonly string[] | undefined): readonly string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

/** Where the `index`-th entry of a one-or-many value is: the list entry, or the value itself. */
function entryPath(base: PropertyKey[], value: unknown, index: number): PropertyKey[] {
  return Array.isArray(value) ? [...base, index] : base;
}

/** The kinds a rule covers: those its `kinds` globs match, or every kind. */
function coveredKinds(rule: PolicyRule, kinds: readonly ResourceKind[]): ResourceKind[] {
  const patterns = listOf(rule.match.kinds);
  if (patterns.length === 0) return [...kinds];
  const match = picomatch([...patterns], { dot: true });
  return kinds.filter((k) => match(k.kind));
}

/**
 * Whether a dotted path names a field of the kind's spec. Where the schema cannot say (a map
 * of free keys, an unknown value), the rest of the path is taken as known.
 */
function fieldOf(kind: ResourceKind, path: string): { known: boolean; options?: string[] } {
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const fields = knownFields(kind.spec, undefined, parts.slice(0, i));
    if (fields === undefined) return { known: true };
    if (!fields.includes(parts[i]!)) return { known: false, ...(i === parts.length - 1 ? { options: fields } : {}) };
  }
  return { known: true };
}

function checkRule(rule: PolicyRule, index: number, doc: YamlDocument | undefined, kinds: readonly ResourceKind[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PropertyKey[], key?: string): SourceLocation | undefined => doc?.locate(['policies', index, ...path], key);
  const subject = `${REPO_CONFIG_FILE}: policy rule "${rule.name}"`;
  const names = kinds.map((k) => k.kind);

  listOf(rule.match.kinds).forEach((pattern, i) => {
    const where = at(entryPath(['match', 'kinds'], rule.match.kinds, i));
    if (GLOB.test(pattern)) {
      const matches = picomatch(pattern, { dot: true });
      if (!names.some((name) => matches(name))) out.push(configError('settings.policy-unknown-kind', `${subject}: kinds pattern "${pattern}" matches no kind, so the rule applies to nothing. Known kinds: ${names.join(', ')}.`, where));
    } else if (!names.includes(pattern)) {
      const near = suggest(pattern, names);
      const hint = near ? ` Did you mean "${near}"?` : ` Known kinds: ${names.join(', ')}.`;
      out.push(configError('settings.policy-unknown-kind', `${subject} names unknown kind "${pattern}", so it applies to nothing.${hint}`, where));
    }
  });

  const covered = coveredKinds(rule, kinds);
  if (covered.length > 0) {
    (rule.match.fields ?? []).forEach((path, i) => {
      const results = covered.map((k) => fieldOf(k, path));
      if (results.some((r) => r.known)) return;
      const options = [...new Set(results.flatMap((r) => r.options ?? []))];
      const near = suggest(path.split('.').at(-1)!, options);
      const which = covered.length === 1 ? covered[0]!.kind : `any of ${covered.map((k) => k.kind).join(', ')}`;
      out.push(configError('settings.policy-unknown-field', `${subject}: field "${path}" is not a field of ${which}, so the rule never matches.${near ? ` Did you mean "${near}"?` : ''}`, at(['match', 'fields', i])));
    });
  }

  for (const side of ['before', 'after'] as const) {
    if (rule.match[side] !== undefined && !rule.match.fields) {
      out.push(configError('settings.policy', `${subject}: match.${side} compares the value of a field; name the field in match.fields.`, at(['match'], side)));
    }
  }

  if (rule.effect === 'require-approval') {
    if (!rule.approvers) out.push(configError('settings.policy', `${subject}: effect require-approval needs approvers (@org/team or @user).`, at(['effect'])));
    const users = rule.approvers?.filter((a) => !a.includes('/')) ?? [];
    // A team has members enough to count; only a list of people can be too short.
    if (rule.approvers && rule.count !== undefined && users.length === rule.approvers.length && rule.count > users.length) {
      out.push(configError('settings.policy', `${subject}: count ${rule.count} is more than the ${users.length} approvers listed, so it could never be met.`, at(['count'])));
    }
  } else {
    for (const key of ['approvers', 'count'] as const) {
      if (rule[key] !== undefined) out.push(configError('settings.policy', `${subject}: ${key} only applies to effect require-approval (this rule's effect is ${rule.effect}).`, at([key])));
    }
  }
  return out;
}

/** Every problem in `policies`: duplicate names, unknown kinds and fields, approvals that do not fit the effect. */
export function checkPolicies(config: RepoConfig, doc: YamlDocument | undefined, kinds: readonly ResourceKind[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  config.policies.forEach((rule, index) => {
    if (seen.has(rule.name)) out.push(configError('settings.policy-duplicate', `${REPO_CONFIG_FILE}: two policy rules are named "${rule.name}"; names must be unique (they name the rule in plans and approvals).`, doc?.locate(['policies', index, 'name'])));
    seen.add(rule.name);
    out.push(...checkRule(rule, index, doc, kinds));
  });
  return out;
}
