/**
 * The apply check run ("Converge apply"): one result per change, failures first with the
 * target's message, within the same byte budget as the plan; and the comment on the merged
 * PR, which keeps every attempt's record so that a retry never hides an earlier failure.
 */
import { z } from 'zod';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { ChangeResult, ReadFailure, ResultStatus } from '../../core/plan-types.js';
import { resourceKey, type ResourceRef } from '../../core/resource.js';
import { DEFAULT_MAX_ANNOTATIONS, diagnosticAnnotation, failedResultAnnotation } from './annotations.js';
import { BlockWriter, OUTPUT_BUDGET, byteLength, fitLines, truncateText } from './budget.js';
import { resourceLabel, verb } from './counts.js';
import { code, fenced, formatCount, link, plural, tableHeader, tableRow, text } from './markdown.js';
import { DEFAULT_MAX_RESOURCES, moreLineFor, renderFailure } from './plan.js';
import { appendSections, renderChangeSection } from './section.js';
import { LIST_MAX_BYTES, diagnosticsBlock, readFailuresBlock } from './summary-blocks.js';
import type { Annotation, CheckOutput, ResultsRenderInput } from './types.js';

/** A pull request merged as the converged commit: the apply check run links back to it. */
export interface MergedFrom {
  number: number;
  url: string;
  title?: string;
}

export type ApplyRenderInput = ResultsRenderInput & { from?: readonly MergedFrom[] };

const STATUSES: readonly ResultStatus[] = ['failed', 'skipped', 'applied'];
const MAX_KIND_ROWS = 50;
const SUMMARY_LINES = 30;

type Buckets = Record<ResultStatus, ChangeResult[]>;

/**
 * A target's message without the `kind/name: ` it starts with (GitHub's errors name their
 * resource), since every place it is shown names the resource already.
 */
export function withoutResource(message: string, resource: ResourceRef): string {
  for (const prefix of [resourceKey(resource), `${resource.kind}/${resource.name}`]) {
    if (message.startsWith(`${prefix}: `)) return message.slice(prefix.length + 2);
  }
  return message;
}

const shortened = (result: ChangeResult): ChangeResult => (result.message ? { ...result, message: withoutResource(result.message, result.change) } : result);
const shortenedRead = (failure: ReadFailure): ReadFailure => ({ ...failure, message: withoutResource(failure.message, failure) });

/** "From #12 (title)": where the applied changes came from, one link per merged PR. */
function fromLine(from: readonly MergedFrom[] | undefined): string {
  if (!from?.length) return '';
  return `From ${from.map((pull) => `${link(`#${pull.number}`, pull.url)}${pull.title ? ` (${text(pull.title, 120)})` : ''}`).join(', ')}.`;
}

/** `output` (a plan's) with the "From #12" line after its verdict, as results have it, when it fits. */
export function withMergedFrom(output: CheckOutput, from: readonly MergedFrom[] | undefined): CheckOutput {
  const line = fromLine(from);
  if (!line || byteLength(output.summary) + byteLength(line) + 2 > OUTPUT_BUDGET) return output;
  const [verdict, ...rest] = output.summary.split('\n\n');
  return { ...output, summary: [verdict, line, ...rest].join('\n\n') };
}

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

/**
 * Why a run past `maxUpdatesPerRun` applied nothing, as a clause: "this run would update 40
 * resources, more than maxUpdatesPerRun (25) allows". Undefined when the limit held nothing.
 */
export function updateLimitReason(policy: ResultsRenderInput['policy']): string | undefined {
  if (!policy?.updateLimitExceeded) return undefined;
  return `this run would update ${plural(policy.requestedUpdates ?? 0, 'resource')}, more than maxUpdatesPerRun (${policy.updateLimit ?? 'its limit'}) allows`;
}

function render(input: ApplyRenderInput): CheckOutput {
  const buckets = bucket(input.results.map(shortened));
  const readFailures = (input.readFailures ?? []).map(shortenedRead);
  const diagnostics = input.diagnostics ?? [];
  const failed = buckets.failed.length + readFailures.length;

  const parts: string[] = [];
  if (buckets.applied.length) parts.push(`${formatCount(buckets.applied.length)} applied`);
  if (buckets.skipped.length) parts.push(`${formatCount(buckets.skipped.length)} skipped`);
  if (buckets.failed.length) parts.push(`${formatCount(buckets.failed.length)} failed`);
  const held = updateLimitReason(input.policy);
  let title = held ? `Nothing applied: ${plural(input.policy?.requestedUpdates ?? 0, 'update')}, more than maxUpdatesPerRun (${input.policy?.updateLimit})` : parts.join(', ') || 'Nothing to apply';
  if (readFailures.length) title += `; ${plural(readFailures.length, 'resource')} could not be read`;

  const summary = new BlockWriter(OUTPUT_BUDGET);
  if (held) {
    summary.add(
      `⛔ **Nothing applied: ${held} in one run.** Every change was held, creates and deletions included, and this commit is not marked converged. ` +
        'An admin can apply it by commenting `/converge full-run --allow-updates` in the config repo, which lifts the limit for that one run; re-run this check afterwards to record the convergence.',
    );
  } else if (failed > 0) {
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
  summary.add(fromLine(input.from));
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
    conclusion: failed > 0 || held ? 'failure' : 'success',
  };
}

/** The apply check run's output. Never throws; `summary` and `text` always fit GitHub's limits. */
export function renderResults(input: ApplyRenderInput): CheckOutput {
  try {
    return render(input);
  } catch (error) {
    const failed = (() => {
      try {
        return input.results.some((r) => r.status === 'failed') || (input.readFailures?.length ?? 0) > 0 || input.policy?.updateLimitExceeded === true;
      } catch {
        return true;
      }
    })();
    return renderFailure('The results could not be rendered', error, failed ? 'failure' : 'success');
  }
}

/** Why nothing was applied at `sha`: "the configuration at abc1234 is invalid, 2 errors; first: repos/api.yml:3 unknown field". */
export function invalidConfigReason(sha: string, diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const [first] = errors;
  if (!first) return `the configuration at ${sha.slice(0, 7)} is invalid`;
  const file = first.location?.file;
  // Loader messages often start with their file already; it is named once, with its line.
  const message = (file && first.message.startsWith(`${file}: `) ? first.message.slice(file.length + 2) : first.message).replace(/\.$/, '');
  const where = first.location ? `${first.location.file}:${first.location.line} ` : '';
  return `the configuration at ${sha.slice(0, 7)} is invalid, ${plural(errors.length, 'error')}; first: ${where}${truncateText(message, 200)}`;
}

/** Failures kept per attempt, and attempts kept per comment: enough to see what happened. */
const ATTEMPT_FAILURES = 10;
export const MAX_ATTEMPTS = 10;
/** GitHub takes comments of up to 65,536 characters; bytes are never fewer. */
const COMMENT_BUDGET = 65_000;

/** One convergence of a merge, as the merged PR's comment records it. */
export const ApplyAttempt = z.object({
  /** When it finished. */
  at: z.iso.datetime(),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  /** Its check run. */
  url: z.string().optional(),
  applied: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  /** The first of its failures (changes that failed, resources that could not be read). */
  failures: z.array(z.object({ resource: z.string(), message: z.string() })).max(ATTEMPT_FAILURES),
  /** Why nothing was applied (an invalid configuration). */
  stopped: z.string().optional(),
});
export type ApplyAttempt = z.infer<typeof ApplyAttempt>;

/** The record of one attempt, from what it applied and what it could not read. */
export function attemptOf(base: { at: string; sha: string; url?: string }, results: readonly ChangeResult[], readFailures: readonly ReadFailure[] = []): ApplyAttempt {
  const count = (status: ResultStatus) => results.filter((r) => r.status === status).length;
  const failures = [
    ...results.filter((r) => r.status === 'failed').map((r) => ({ resource: resourceKey(r.change), message: withoutResource(r.message ?? 'The target rejected the change.', r.change) })),
    ...readFailures.map((f) => ({ resource: resourceKey(f), message: `could not be read: ${withoutResource(f.message, f)}` })),
  ];
  return {
    ...base,
    applied: count('applied'),
    failed: count('failed') + readFailures.length,
    skipped: count('skipped'),
    failures: failures.slice(0, ATTEMPT_FAILURES).map((f) => ({ resource: truncateText(f.resource, 200), message: truncateText(f.message, 300) })),
  };
}

/** The attempts a comment recorded (see `renderApplyComment`), newest first; none when unreadable. */
export function parseAttempts(data: unknown): ApplyAttempt[] {
  const parsed = z.array(ApplyAttempt).safeParse(data);
  return parsed.success ? parsed.data : [];
}

const when = (at: string) => `${at.slice(0, 16).replace('T', ' ')} UTC`;
const countsOf = (a: ApplyAttempt) => `${formatCount(a.applied)} applied, ${formatCount(a.failed)} failed, ${formatCount(a.skipped)} skipped`;

function attemptLines(attempt: ApplyAttempt): string {
  const mark = attempt.stopped || attempt.failed > 0 ? '❌' : '✅';
  const what = attempt.stopped ? `nothing applied: ${text(attempt.stopped, 400)}` : countsOf(attempt);
  const lines = [`- ${mark} ${when(attempt.at)} · <code>${attempt.sha.slice(0, 7)}</code> · ${what}${attempt.url ? ` · ${link('check run', attempt.url)}` : ''}`];
  for (const failure of attempt.failures) lines.push(`  - ${code(failure.resource, 200)}: ${text(failure.message, 300)}`);
  const unlisted = attempt.failed - attempt.failures.length;
  if (unlisted > 0) lines.push(`  - … and ${plural(unlisted, 'more failure')} (see its check run)`);
  return lines.join('\n');
}

function headline(newest: ApplyAttempt): string {
  const details = newest.url ? ` ${link('Details', newest.url)}` : '';
  if (newest.stopped) return `**Converge apply**: nothing was applied because ${text(newest.stopped, 400)}.${details}`;
  return `**Converge apply** finished: ${countsOf(newest)}.${details}`;
}

/**
 * The merged PR's comment: the newest attempt first, then every attempt kept (at most
 * MAX_ATTEMPTS, fewer when they would not fit), each with its time, check run, counts and
 * failures. `data` is what the comment carries for the next attempt to read back (as hidden
 * data: see comments.ts).
 */
export function renderApplyComment(attempts: readonly [ApplyAttempt, ...ApplyAttempt[]], data: (kept: ApplyAttempt[]) => string): string {
  let kept: ApplyAttempt[] = attempts.slice(0, MAX_ATTEMPTS);
  for (;;) {
    const body = [headline(kept[0]!), '#### Attempts (newest first)', kept.map(attemptLines).join('\n'), data(kept)].join('\n\n');
    if (kept.length === 1 || byteLength(body) <= COMMENT_BUDGET) return body;
    kept = kept.slice(0, -1);
  }
}
