/**
 * The warning blocks of a summary: deletions, read failures, diagnostics, changed resources.
 * Each is bounded on its own (LIST_MAX_BYTES), so together they always fit the summary.
 */
import { type Diagnostic, formatLocation } from '../../core/diagnostics.js';
import type { Change, ReadFailure } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import { byteLength, fitLines } from './budget.js';
import { resourceLabel, verb } from './counts.js';
import { code, formatCount, plural, text } from './markdown.js';

export const LIST_MAX_BYTES = 8_000;
const GROUP_MAX_BYTES = 3_000;
const NAMES_PER_GROUP = 10;
const FIELD_NAMES = 5;

const moreItems = (left: number) => `- … and ${formatCount(left)} more`;

/** Deletions grouped by what happens to them: will run, or blocked and why. */
export function deletionsBlock(changes: readonly Change[], maxBytes = LIST_MAX_BYTES): string {
  const groups = new Map<string, Change[]>();
  let total = 0;
  for (const change of changes) {
    if (change.action !== 'delete') continue;
    total++;
    const reason = change.blocked ?? '';
    let group = groups.get(reason);
    if (!group) groups.set(reason, (group = []));
    group.push(change);
  }
  if (total === 0) return '';
  const blocked = total - (groups.get('')?.length ?? 0);
  const state = blocked === 0 ? '' : blocked === total ? ', all blocked' : `, ${formatCount(blocked)} blocked`;
  const heading = `### ⚠️ ${plural(total, 'deletion')}${state}`;
  // Deletions that would run come first: they are the ones a reviewer must not miss.
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : 0));
  function* blocks(): Generator<string> {
    for (const [reason, members] of ordered) {
      const title = reason
        ? `**Blocked (${formatCount(members.length)}):** ${text(reason)}`
        : `**Will be deleted on merge (${formatCount(members.length)}):**`;
      const names = fitLines(
        (function* () {
          for (const c of members) yield `- ${resourceLabel(c)}`;
        })(),
        members.length,
        GROUP_MAX_BYTES,
        moreItems,
        NAMES_PER_GROUP,
      );
      yield names.text ? `${title}\n\n${names.text}\n` : title;
    }
  }
  const body = fitLines(blocks(), ordered.length, maxBytes - byteLength(heading) - 2, (left) => `_… and ${plural(left, 'more group')} of deletions_`);
  return `${heading}\n\n${body.text}`.trimEnd();
}

export function readFailuresBlock(failures: readonly ReadFailure[], maxBytes = LIST_MAX_BYTES): string {
  if (failures.length === 0) return '';
  const heading =
    `### ❌ ${plural(failures.length, 'resource')} could not be read\n\n` +
    'Their live state is unknown, so nothing is planned for them. Re-run the check once the target answers.';
  const lines = fitLines(
    (function* () {
      for (const f of failures) yield `- ${code(resourceKey(f), 300)}: ${text(f.message, 300)}`;
    })(),
    failures.length,
    maxBytes - byteLength(heading) - 2,
    moreItems,
  );
  return `${heading}\n\n${lines.text}`.trimEnd();
}

export function diagnosticsBlock(diagnostics: readonly Diagnostic[], maxBytes = LIST_MAX_BYTES): string {
  if (diagnostics.length === 0) return '';
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const counts = [errors ? plural(errors, 'configuration error') : '', warnings ? plural(warnings, 'warning') : ''];
  const heading = `### ${errors ? '❌' : '⚠️'} ${counts.filter(Boolean).join(', ')}`;
  function* lines(): Generator<string> {
    for (const severity of ['error', 'warning'] as const) {
      for (const d of diagnostics) {
        if (d.severity !== severity) continue;
        const at = d.location ? ` at ${code(formatLocation(d.location), 200)}` : d.resource ? ` in ${code(d.resource, 200)}` : '';
        // Messages name their file for logs and the CLI; after "at file:line" once is enough.
        const message = d.location && d.message.startsWith(`${d.location.file}: `) ? d.message.slice(d.location.file.length + 2) : d.message;
        yield `- **${severity === 'error' ? 'Error' : 'Warning'}**${at}: ${text(message, 400)} (${code(d.code, 80)})`;
      }
    }
  }
  const body = fitLines(lines(), diagnostics.length, maxBytes - byteLength(heading) - 2, moreItems);
  return `${heading}\n\n${body.text}`.trimEnd();
}

/** One line per changed resource, naming the fields that change. */
export function changesBlock(heading: string, changes: readonly Change[], maxLines: number, maxBytes = LIST_MAX_BYTES): string {
  if (changes.length === 0) return '';
  function* lines(): Generator<string> {
    for (const c of changes) {
      let line = `- **${verb(c.action)}${c.action === 'delete' && c.blocked ? ' (blocked)' : ''}** ${resourceLabel(c)}`;
      if (c.action === 'rename' && c.fromName !== undefined) line += ` from ${code(c.fromName, 200)}`;
      if (c.action !== 'create' && c.fields.length > 0) {
        const names = c.fields.slice(0, FIELD_NAMES).map((f) => code(f.path, 80));
        const more = c.fields.length - names.length;
        line += `: ${names.join(', ')}${more > 0 ? ` and ${formatCount(more)} more` : ''}`;
      }
      if (c.origin === 'drift') line += ' _(live drift)_';
      yield line;
    }
  }
  const body = fitLines(lines(), changes.length, maxBytes - byteLength(heading) - 2, moreItems, maxLines);
  return `${heading}\n\n${body.text}`.trimEnd();
}
