/**
 * The apply check run ("Converge apply"): one result per change, failures first with the
 * target's message, within the same byte budget as the plan.
 */
import type { ChangeResult, ResultStatus } from '../../core/plan-types.js';
import { DEFAULT_MAX_ANNOTATIONS, diagnosticAnnotation, failedResultAnnotation } from './annotations.js';
import { BlockWriter, OUTPUT_BUDGET, byteLength, fitLines, truncateText } from './budget.js';
import { resourceLabel, verb } from './counts.js';
import { code, fenced, formatCount, plural, tableHeader, tableRow, text } from './markdown.js';
import { DEFAULT_MAX_RESOURCES, moreLineFor, renderFailure } from './plan.js';
import { appendSections, renderChangeSection } from './section.js';
import { LIST_MAX_BYTES, diagnosticsBlock, readFailuresBlock } from './summary-blocks.js';
import type { Annotation, CheckOutput, ResultsRenderInput } from './types.js';

const STATUSES: readonly ResultStatus[] = ['failed', 'skipped', 'applied'];
const MAX_KIND_ROWS = 50;
const SUMMARY_LINES = 30;

type Buckets = Record<ResultStatus, ChangeResult[]>;

function bucket(results: readonly ChangeResult[]): Buckets {
  const buckets: Buckets = { failed: [], skipped: [], applied: [] };
  for (const result of results) (buckets[result.status] ?? buckets.failed).push(result);
  return buckets;
}

function countsTable(results: readonly ChangeResult[]): string {
  const byKind = new Map<string, Record<ResultStatus, number>>();
  for (const { change, status } of results) {
    let counts = byKind.get(change.kind);
    if (!counts) byKind.set(change.kind, (counts = { applied: 0, skipped: 0, failed: 0 }));
    counts[status] = (counts[status] ?? 0) + 1;
  }
  const kinds = [...byKind.keys()].sort();
  const lines = [tableHeader(['Kind', 'Applied', 'Skipped', 'Failed'], ['left', 'right', 'right', 'right'])];
  for (const kind of kinds.slice(0, MAX_KIND_ROWS)) {
    const c = byKind.get(kind)!;
    lines.push(tableRow([code(kind, 60), formatCount(c.applied), formatCount(c.skipped), formatCount(c.failed)]));
  }
  if (kinds.length > MAX_KIND_ROWS) lines.push(tableRow([`_${plural(kinds.length - MAX_KIND_ROWS, 'other kind')}_`, '', '', '']));
  return lines.join('\n');
}

/** One line per result, with the target's message or the reason it was skipped. */
function resultsBlock(heading: string, results: readonly ChangeResult[]): string {
  if (results.length === 0) return '';
  function* lines(): Generator<string> {
    for (const { change, message } of results) {
      yield `- **${verb(change.action)}** ${resourceLabel(change)}${message ? `: ${text(message, 300)}` : ''}`;
    }
  }
  const body = fitLines(lines(), results.length, LIST_MAX_BYTES - byteLength(heading) - 2, (left) => `- … and ${formatCount(left)} more`, SUMMARY_LINES);
  return `${heading}\n\n${body.text}`;
}

function render(input: ResultsRenderInput): CheckOutput {
  const buckets = bucket(input.results);
  const readFailures = input.readFailures ?? [];
  const diagnostics = input.diagnostics ?? [];
  const failed = buckets.failed.length + readFailures.length;

  const parts: string[] = [];
  if (buckets.applied.length) parts.push(`${formatCount(buckets.applied.length)} applied`);
  if (buckets.skipped.length) parts.push(`${formatCount(buckets.skipped.length)} skipped`);
  if (buckets.failed.length) parts.push(`${formatCount(buckets.failed.length)} failed`);
  let title = parts.join(', ') || 'Nothing to apply';
  if (readFailures.length) title += `; ${plural(readFailures.length, 'resource')} could not be read`;

  const summary = new BlockWriter(OUTPUT_BUDGET);
  if (failed > 0) {
    const what = [
      buckets.failed.length ? `${plural(buckets.failed.length, 'change')} failed` : '',
      readFailures.length ? `${plural(readFailures.length, 'resource')} could not be read` : '',
    ].filter(Boolean);
    summary.add(`❌ **${what.join(' and ')}.** The other changes were not affected.`);
  } else if (input.results.length === 0) summary.add('✅ **Nothing to apply.** The live state already matches the configuration.');
  else {
    const skipped = buckets.skipped.length ? ` ${plural(buckets.skipped.length, 'change')} skipped by policy.` : '';
    summary.add(`✅ **${plural(buckets.applied.length, 'change')} applied.**${skipped}`);
  }
  if (input.context?.description) summary.add(`_${text(input.context.description, 300)}_`);
  if (input.results.length > 0) summary.add(countsTable(input.results));
  summary.add(resultsBlock(`### ❌ Failed (${formatCount(buckets.failed.length)})`, buckets.failed));
  summary.add(readFailuresBlock(readFailures));
  summary.add(diagnosticsBlock(diagnostics));
  summary.add(resultsBlock(`### ⏭️ Skipped (${formatCount(buckets.skipped.length)})`, buckets.skipped));

  const out = new BlockWriter(OUTPUT_BUDGET);
  const fileUrl = input.context?.fileUrl;
  const more = moreLineFor(input.context, 'result');
  let left = Math.max(0, input.maxResources ?? DEFAULT_MAX_RESOURCES);
  const sections: Record<ResultStatus, { heading: string; status: string; notes(r: ChangeResult): string[] }> = {
    failed: { heading: 'Failed', status: '❌', notes: (r) => ['**Error:**', fenced(r.message ?? 'The target rejected the change.')] },
    skipped: {
      heading: 'Skipped',
      status: '⏭️',
      notes: (r) => (r.message && r.message !== r.change.blocked ? [`**Reason:** ${text(r.message)}`] : []),
    },
    applied: { heading: 'Applied', status: '✅', notes: () => [] },
  };
  for (const status of STATUSES) {
    const list = buckets[status];
    if (list.length === 0) continue;
    const section = sections[status];
    if (!out.add(`## ${section.heading} (${formatCount(list.length)})`)) break;
    left -= appendSections(
      out,
      list,
      (r, max) => renderChangeSection(r.change, r.change.fields, { fileUrl, status: section.status, notes: section.notes(r) }, max),
      more,
      { maxCount: left },
    );
  }
  if (input.results.length === 0) out.add('Nothing was applied.');

  const max = input.maxAnnotations ?? DEFAULT_MAX_ANNOTATIONS;
  const annotations: Annotation[] = [];
  for (const result of buckets.failed) {
    if (annotations.length >= max) break;
    const a = failedResultAnnotation(result);
    if (a) annotations.push(a);
  }
  for (const diagnostic of diagnostics) {
    if (annotations.length >= max) break;
    const a = diagnosticAnnotation(diagnostic);
    if (a) annotations.push(a);
  }

  return {
    title: truncateText(title, 200),
    summary: summary.toString(),
    text: out.toString(),
    annotations,
    conclusion: failed > 0 ? 'failure' : 'success',
  };
}

/** The apply check run's output. Never throws; `summary` and `text` always fit GitHub's limits. */
export function renderResults(input: ResultsRenderInput): CheckOutput {
  try {
    return render(input);
  } catch (error) {
    const failed = (() => {
      try {
        return input.results.some((r) => r.status === 'failed') || (input.readFailures?.length ?? 0) > 0;
      } catch {
        return true;
      }
    })();
    return renderFailure('The results could not be rendered', error, failed ? 'failure' : 'success');
  }
}
