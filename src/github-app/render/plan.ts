/**
 * The plan check run: a summary a reviewer can decide from (verdict, warnings, counts), then
 * one section per changed resource, the PR's own changes apart from the live drift merging
 * would also revert. Both parts are built within the byte budget, never cut afterwards.
 */
import { hasErrors } from '../../core/diagnostics.js';
import type { Change, FieldChange } from '../../core/plan-types.js';
import { diagnosticAndNoticeAnnotations } from './annotations.js';
import { BlockWriter, OUTPUT_BUDGET, byteLength, truncateText } from './budget.js';
import { type PlanCounts, countChanges, countsPhrase, countsTable } from './counts.js';
import { formatCount, plural, text } from './markdown.js';
import { appendSections, renderChangeSection } from './section.js';
import { changesBlock, deletionsBlock, diagnosticsBlock, readFailuresBlock } from './summary-blocks.js';
import type { CheckOutput, PlanRenderInput, RenderContext } from './types.js';

export const DEFAULT_MAX_RESOURCES = 200;
/** Room kept for the drift part, so a large PR part cannot hide what merging would revert. */
const DRIFT_RESERVE = 16_000;
const SUMMARY_CHANGE_LINES = 30;
const TITLE_MAX_CHARS = 200;
const DEFAULT_HINT = 'see the full plan in the logs';

interface Parts {
  /** What the PR itself changes (non-drift fields; additions, removals, renames). */
  own: Change[];
  /** What merging would also revert: drift fields, drifted resources, extraneous ones. */
  drift: Change[];
}

const revertsDrift = (change: Change) => change.origin === 'drift' || change.origin === 'extraneous';

function split(changes: readonly Change[]): Parts {
  const parts: Parts = { own: [], drift: [] };
  for (const change of changes) {
    if (change.action === 'noop') continue;
    if (revertsDrift(change)) parts.drift.push(change);
    else {
      parts.own.push(change);
      if (change.fields.some((f) => f.drift)) parts.drift.push(change);
    }
  }
  return parts;
}

const ownFields = (c: Change): FieldChange[] => (revertsDrift(c) ? [] : c.fields.filter((f) => !f.drift));
const driftFields = (c: Change): FieldChange[] => (c.origin === 'drift' ? c.fields : c.fields.filter((f) => f.drift));

export function moreLineFor(context: RenderContext | undefined, noun: string) {
  const hint = context?.fullListHint && byteLength(context.fullListHint) <= 500 ? context.fullListHint : DEFAULT_HINT;
  return (left: number) => `_… and ${plural(left, `more ${noun}`)} not shown (${hint})_`;
}

interface Wording {
  own: string;
  drift: string;
  driftIntro: string;
  noOwn: string;
}

function wording(context: RenderContext | undefined): Wording {
  return context?.subject === 'commit'
    ? {
        own: 'Changes from the configuration',
        drift: 'Live drift this run reverts',
        driftIntro: 'These resources differ live from a configuration this commit leaves unchanged; applying reverts them.',
        noOwn: '_None: the resources below changed live, not in this commit._',
      }
    : {
        own: 'Changes this PR makes',
        drift: 'What merging would also revert (live drift)',
        driftIntro: 'These resources differ live from a configuration this PR leaves unchanged; merging re-applies the configuration.',
        noOwn: '_None: the resources below changed live, not in this PR._',
      };
}

function renderText(input: PlanRenderInput, parts: Parts, noops: number): string {
  const out = new BlockWriter(OUTPUT_BUDGET);
  if (parts.own.length === 0 && parts.drift.length === 0) {
    out.add(noops > 0 ? `No changes: ${plural(noops, 'resource')} already match the configuration.` : 'No changes.');
    return out.toString();
  }
  const words = wording(input.context);
  const fileUrl = input.context?.fileUrl;
  const more = moreLineFor(input.context, 'resource');
  const maxCount = Math.max(0, input.maxResources ?? DEFAULT_MAX_RESOURCES);
  const reserve = parts.drift.length > 0 ? DRIFT_RESERVE : 0;

  out.add(`## ${words.own}`, reserve);
  let shown = 0;
  if (parts.own.length === 0) out.add(words.noOwn, reserve);
  else {
    shown = appendSections(out, parts.own, (c, max) => renderChangeSection(c, ownFields(c), { fileUrl }, max), more, {
      reserve,
      maxCount,
    });
  }
  if (parts.drift.length > 0) {
    out.add(`## ${words.drift}`);
    out.add(words.driftIntro);
    appendSections(
      out,
      parts.drift,
      (c, max) => renderChangeSection(c, driftFields(c), { fileUrl, ...(revertsDrift(c) ? {} : { action: 'update' }) }, max),
      more,
      { maxCount: Math.max(0, maxCount - shown) },
    );
  }
  return out.toString();
}

function verdict(input: PlanRenderInput, errors: number, changed: number, blocked: number, held: number, noops: number): string {
  const lines: string[] = [];
  const { plan, policy } = input;
  const merging = input.context?.subject === 'commit' ? 'This run would apply' : 'Merging would apply';
  if (errors > 0) {
    lines.push(`❌ **Invalid configuration: ${plural(errors, 'error')}.** Fix ${errors === 1 ? 'it' : 'them'} before merging; the annotations mark the lines.`);
  }
  if (plan.readFailures.length > 0) {
    lines.push(`❌ **${plural(plan.readFailures.length, 'resource')} could not be read**, so this plan is incomplete.`);
  }
  if (policy?.capExceeded) {
    const cap = policy.maxDeletionsPerRun !== undefined ? ` (${policy.maxDeletionsPerRun})` : '';
    lines.push(
      `⛔ **Deletions blocked by the deletion cap.** The plan asks for ${plural(policy.requestedDeletions, 'deletion')}, more than \`maxDeletionsPerRun\`${cap} allows in one run, so none would run. Deleting them needs an admin to override the cap.`,
    );
  }
  if (lines.length > 0) return lines.join('\n\n');
  if (changed === 0) {
    return `✅ **No changes.** ${noops > 0 ? `${plural(noops, 'resource')} already match the configuration.` : 'Nothing managed is affected.'}`;
  }
  const applicable = changed - blocked - held;
  const blockedNote =
    (blocked > 0 ? ` ${plural(blocked, 'blocked deletion')} would not run.` : '') +
    (held > 0 ? ` ${plural(held, 'difference')} of read-only kinds ${held === 1 ? 'is' : 'are'} only reported.` : '');
  return applicable > 0
    ? `✅ **${merging} ${plural(applicable, 'change')}.**${blockedNote}`
    : `✅ **Nothing would be applied.**${blockedNote}`;
}

function renderSummary(input: PlanRenderInput, parts: Parts, counts: PlanCounts): { summary: string; title: string } {
  const { plan } = input;
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  const out = new BlockWriter(OUTPUT_BUDGET);
  out.add(verdict(input, errors, counts.changed, counts.total.blocked, counts.total.held, counts.total.noop));
  if (input.context?.description) out.add(`_${text(input.context.description, 300)}_`);
  out.add(deletionsBlock(plan.changes));
  out.add(readFailuresBlock(plan.readFailures));
  out.add(diagnosticsBlock(plan.diagnostics));
  const driftOnly = parts.drift.filter(revertsDrift).length;
  const mixed = parts.drift.length - driftOnly;
  if (parts.drift.length > 0 && input.context?.subject !== 'commit') {
    out.add(
      `ℹ️ ${plural(parts.drift.length, 'resource')} drifted live${mixed > 0 ? ` (${formatCount(mixed)} of them also changed by this PR)` : ''}; merging would also revert ${parts.drift.length === 1 ? 'it' : 'them'}. See *What merging would also revert*.`,
    );
  }
  if (plan.changes.length > 0) out.add(countsTable(counts));
  out.add(changesBlock('### Changes', [...parts.own, ...parts.drift.filter(revertsDrift)], SUMMARY_CHANGE_LINES));

  let title: string;
  if (errors > 0) title = `Invalid configuration: ${plural(errors, 'error')}`;
  else {
    title = countsPhrase(counts, input.policy?.capExceeded ?? false) || 'No changes';
    if (plan.readFailures.length > 0) title += `; ${plural(plan.readFailures.length, 'resource')} could not be read`;
  }
  return { summary: out.toString(), title: truncateText(title, TITLE_MAX_CHARS) };
}

function conclusionOf(input: PlanRenderInput): CheckOutput['conclusion'] {
  const { plan, policy } = input;
  return hasErrors(plan.diagnostics) || plan.readFailures.length > 0 || policy?.capExceeded ? 'failure' : 'success';
}

/** The plan check run's output. Never throws; `summary` and `text` always fit GitHub's limits. */
export function renderPlan(input: PlanRenderInput): CheckOutput {
  try {
    const parts = split(input.plan.changes);
    const counts = countChanges(input.plan.changes);
    const { summary, title } = renderSummary(input, parts, counts);
    return {
      title,
      summary,
      text: renderText(input, parts, counts.total.noop),
      annotations: diagnosticAndNoticeAnnotations(input.plan.diagnostics, input.plan.changes, input.maxAnnotations, input.maxNotices),
      conclusion: conclusionOf(input),
    };
  } catch (error) {
    return renderFailure('The plan could not be rendered', error, safeConclusion(() => conclusionOf(input)));
  }
}

function safeConclusion(decide: () => CheckOutput['conclusion']): CheckOutput['conclusion'] {
  try {
    return decide();
  } catch {
    return 'failure';
  }
}

/** A last-resort output, so a rendering bug never leaves the check run pending. */
export function renderFailure(title: string, error: unknown, conclusion: CheckOutput['conclusion']): CheckOutput {
  const message = error instanceof Error ? error.message : String(error);
  return {
    title,
    summary: `❌ **${title}.** The conclusion still reflects the plan. Error: ${text(message, 1_000)}`,
    text: '',
    annotations: [],
    conclusion,
  };
}

/** The neutral check run for a PR that touches no file Converge manages. */
export function renderNoManagedFiles(context?: Pick<RenderContext, 'description'>): CheckOutput {
  const description = context?.description ? `\n\n_${text(context.description, 300)}_` : '';
  return {
    title: 'No managed files changed',
    summary: `This pull request changes no file Converge reads, so there is nothing to plan.${description}`,
    text: '',
    annotations: [],
    conclusion: 'neutral',
  };
}
