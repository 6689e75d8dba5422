/**
 * Checks on the repo config (converge.yml) that need more than its schema: kinds named in `scope`,
 * `drift.kinds` and `prune.protected` must exist (a typo there silently protected nothing),
 * and `schedule.fullRun` must be a cron BullMQ can schedule.
 */
import { CronExpressionParser } from 'cron-parser';
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic, SourceLocation } from '../core/diagnostics.js';
import { REPO_CONFIG_FILE, type RepoConfig } from './schema.js';
import { suggest } from './suggest.js';
import type { YamlDocument } from './yaml.js';

export interface KindCatalogue {
  kinds: readonly string[];
  providers: readonly string[];
}

function unknownKind(kind: string, where: string, location: SourceLocation | undefined, known: readonly string[]): Diagnostic {
  const suggestion = suggest(kind, known);
  const hint = suggestion ? ` Did you mean "${suggestion}"?` : ` Known kinds: ${known.join(', ')}.`;
  return {
    severity: 'error',
    code: 'settings.unknown-kind',
    message: `${REPO_CONFIG_FILE}: ${where} names unknown kind "${kind}", so it applies to nothing.${hint}`,
    ...(location ? { location } : {}),
  };
}

/**
 * The kind a `prune.protected` pattern names, if it names one: the part before `/` of
 * `kind/name` or `kind@target/name`. A bare-name pattern (`prod-*`, or a label's `api/*`) names
 * none; a prefix counts as a kind when it has a target, starts with a known provider, or is a
 * near miss of a known kind (a repository named like a kind is far less likely than a typo).
 */
function patternKind(pattern: string, catalogue: KindCatalogue): string | undefined {
  const slash = pattern.indexOf('/');
  if (slash <= 0) return undefined;
  const prefix = pattern.slice(0, slash);
  const at = prefix.indexOf('@');
  const kind = at === -1 ? prefix : prefix.slice(0, at);
  if (/[*?[\]{}()!+]/.test(kind) || !kind.includes('.')) return undefined;
  if (at !== -1) return kind;
  const provider = kind.slice(0, kind.indexOf('.'));
  if (catalogue.providers.includes(provider)) return kind;
  const near = catalogue.kinds.length > 0 ? closest(kind, [...catalogue.kinds]) : undefined;
  return near && distance(kind, near) <= 2 ? kind : undefined;
}

/** Every kind `scope`, `drift.kinds` and `prune.protected` name must be one a provider has. */
export function checkRepoConfigKinds(config: RepoConfig, doc: YamlDocument | undefined, catalogue: KindCatalogue): Diagnostic[] {
  const known = new Set(catalogue.kinds);
  const out: Diagnostic[] = [];
  for (const kind of Object.keys(config.scope)) {
    if (!known.has(kind)) out.push(unknownKind(kind, 'scope', doc?.locate(['scope'], kind), catalogue.kinds));
  }
  for (const kind of Object.keys(config.drift.kinds)) {
    if (!known.has(kind)) out.push(unknownKind(kind, 'drift.kinds', doc?.locate(['drift', 'kinds'], kind), catalogue.kinds));
  }
  config.prune.protected.forEach((pattern, index) => {
    const kind = patternKind(pattern, catalogue);
    if (kind !== undefined && !known.has(kind)) {
      out.push(unknownKind(kind, `prune.protected pattern "${pattern}"`, doc?.locate(['prune', 'protected', index]), catalogue.kinds));
    }
  });
  return out;
}

/**
 * Why `pattern` cannot be scheduled, or undefined. BullMQ computes every next run with this
 * same parser (and the same options), so a pattern accepted here never fails a convergence.
 */
export function cronProblem(pattern: string): string | undefined {
  try {
    CronExpressionParser.parse(pattern, { tz: 'UTC', currentDate: new Date() }).next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function checkSchedule(config: RepoConfig, doc: YamlDocument | undefined): Diagnostic[] {
  const pattern = config.schedule.fullRun;
  if (pattern === undefined) return [];
  // cron-parser reads an empty or blank pattern as "every minute".
  const problem = pattern.trim() === '' ? 'it is empty' : cronProblem(pattern);
  if (!problem) return [];
  return [
    {
      severity: 'error',
      code: 'settings.schedule',
      message: `${REPO_CONFIG_FILE}: schedule.fullRun "${pattern}" is not a cron expression (${problem}). Write five fields, minute hour day-of-month month day-of-week, in UTC, for example "0 3 * * *".`,
      ...(doc ? { location: doc.locate(['schedule', 'fullRun']) } : {}),
    },
  ];
}
