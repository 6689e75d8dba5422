/**
 * The warning blocks of a summary: read failures and diagnostics.
 * Each is bounded on its own (LIST_MAX_BYTES), so together they always fit the summary.
 */
import { type Diagnostic, formatLocation } from '../../core/diagnostics.js';
import type { ReadFailure } from '../../core/plan-types.js';
import { resourceKey } from '../../core/resource.js';
import { byteLength, fitLines } from './budget.js';
import { code, formatCount, plural, text } from './markdown.js';

export const LIST_MAX_BYTES = 8_000;

const moreItems = (left: number) => `- … and ${formatCount(left)} more`;

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
