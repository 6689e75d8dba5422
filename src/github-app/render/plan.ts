/**
 * The plan check run. The summary is what a reviewer decides from: the verdict, then every
 * change that needs care (sensitive or destructive), complete and first, then counts and a
 * list of the routine changes. The text holds the routine changes in detail, the PR's own apart
 * from the live drift merging would also revert. Identical changes are one group. What does not
 * fit continues in pages the plan job posts as PR comments, so every change can be reached.
 * Everything is built within the byte budget, never cut afterwards.
 */
import { hasErrors } from '../../core/diagnostics.js';
import type { Change, FieldChange } from '../../core/plan-types.js';
import { RISK_LEVELS, type RiskLevel, isRisky, riskOf, riskRank } from '../../core/risk.js';
import { APPROVALS_BLOCK_BYTES, APPROVALS_SLOT, gateOnApprovals, gatedConclusion } from './approvals.js';
import { DEFAULT_MAX_ANNOTATIONS, diagnosticAndNoticeAnnotations } from './annotations.js';
import { BlockWriter, OUTPUT_BUDGET, byteLength, fitLines, truncateText } from './budget.js';
import { type PlanCounts, countChanges, countsPhrase, countsTable, verb } from './counts.js';
import { type ChangeGroup, groupChanges } from './groups.js';
import { code, formatCount, plural, text } from './markdown.js';
import { SECTION_MAX_BYTES, type SectionOptions, renderGroupSection } from './section.js';
import { deniedRules, policyAnnotations, policyBlock } from './policy.js';
import { diagnosticsBlock, readFailuresBlock } from './summary-blocks.js';
import type { CheckOutput, PlanRenderInput, RenderContext } from './types.js';

export const DEFAULT_MAX_RESOURCES = 200;
/** Continuation pages at most (PR comments); past them a plan says how many changes it left out. */
export const MAX_PLAN_PAGES = 30;
/** Room a page leaves for the heading its poster adds. */
export const PAGE_HEADER_BYTES = 500;
/** Room kept in the text for the drift part, so a large PR part cannot hide what merging would revert. */
const DRIFT_RESERVE = 16_000;
/** Room kept in the summary, after the risky changes, for the counts and the routine list. */
const SUMMARY_TAIL_RESERVE = 14_000;
const CLOSING_RESERVE = 400;
const SUMMARY_GROUP_LINES = 30;
const TITLE_MAX_CHARS = 200;
const DEFAULT_HINT = 'GitHub limits a check run to 65,535 bytes';

type Part = 'risky' | 'own' | 'drift';

interface Item {
  group: ChangeGroup;
  part: Part;
  options: SectionOptions;
}

const revertsDrift = (change: Change) => change.origin === 'drift' || change.origin === 'extraneous';
const ownFields = (c: Change): FieldChange[] => (revertsDrift(c) ? [] : c.fields.filter((f) => !f.drift));
const driftFields = (c: Change): FieldChange[] => (c.origin === 'drift' ? c.fields : c.fields.filter((f) => f.drift));
/** Changes that would run: not blocked by policy, not of a read-only kind. */
const applicable = (c: Change) => c.action !== 'noop' && !c.blocked;

export function moreLineFor(context: RenderContext | undefined, noun: string) {
  const hint = context?.fullListHint && byteLength(context.fullListHint) <= 500 ? context.fullListHint : DEFAULT_HINT;
  return (left: number) => `_… and ${plural(left, `more ${noun}`)} not shown (${hint})_`;
}

interface Wording {
  own: string;
  drift: string;
  driftIntro: string;
  noOwn: string;
  merging: string;
}

function wording(context: RenderContext | undefined): Wording {
  return context?.subject === 'commit'
    ? {
        own: 'Changes from the configuration',
        drift: 'Live drift this run reverts',
        driftIntro: 'These resources differ live from a configuration this commit leaves unchanged; applying reverts them.',
        noOwn: '_None: the resources below changed live, not in this commit._',
        merging: 'This run would apply',
      }
    : {
        own: 'Changes this PR makes',
        drift: 'What merging would also revert (live drift)',
        driftIntro: 'These resources differ live from a configuration this PR leaves unchanged; merging re-applies the configuration.',
        noOwn: '_None: the resources below changed live, not in this PR._',
        merging: 'Merging would apply',
      };
}

/** The plan in reading order: risky groups (destructive first), the PR's own routine changes, then drift. */
function itemsOf(changes: readonly Change[], fileUrl: RenderContext['fileUrl']): Item[] {
  const risky: Change[] = [];
  const own: Change[] = [];
  const drift: Change[] = [];
  for (const change of changes) {
    if (change.action === 'noop') continue;
    if (isRisky(change)) risky.push(change);
    else if (revertsDrift(change)) drift.push(change);
    else {
      own.push(change);
      if (change.fields.some((f) => f.drift)) drift.push(change);
    }
  }
  risky.sort((a, b) => riskRank(riskOf(b).level) - riskRank(riskOf(a).level) || Number(Boolean(a.blocked)) - Number(Boolean(b.blocked)));
  const items: Item[] = [];
  for (const group of groupChanges(risky, (c) => c.fields)) items.push({ group, part: 'risky', options: { fileUrl, showRisk: true } });
  for (const group of groupChanges(own, ownFields)) items.push({ group, part: 'own', options: { fileUrl } });
  for (const group of groupChanges(drift, driftFields)) {
    const mixed = !revertsDrift(group.members[0]!);
    items.push({ group, part: 'drift', options: { fileUrl, ...(mixed ? { action: 'update' as const } : {}) } });
  }
  return items;
}

interface Sink {
  out: BlockWriter;
  /** Only risky items go to the summary. */
  riskyOnly: boolean;
  reserve: number;
  maxCount: number;
  count: number;
  part?: Part;
}

interface Placement {
  summary: BlockWriter;
  text: BlockWriter;
  pages: BlockWriter[];
  /** Whether the summary ran out of room for risky changes (they continue in the text). */
  riskyContinues: boolean;
}

function partHeading(part: Part, words: Wording, continued: boolean): string {
  if (part === 'risky') return `## Needs care${continued ? ' (continued)' : ''}`;
  if (part === 'own') return `## ${words.own}${continued ? ' (continued)' : ''}`;
  return `## ${words.drift}${continued ? ' (continued)' : ''}\n\n${words.driftIntro}`;
}

/**
 * Put each item in the first sink with room: the summary (risky items only), the text, then as
 * many pages as `maxPages` allows. A risky group is shown with every field and every name; one
 * too large for a page is split across sections. Routine sections are bounded on their own.
 */
function place(items: Item[], summary: BlockWriter, input: PlanRenderInput, words: Wording, hasDrift: boolean): Placement {
  const text = new BlockWriter(OUTPUT_BUDGET);
  const maxPages = input.context?.pages ? MAX_PLAN_PAGES : 0;
  const placement: Placement = { summary, text, pages: [], riskyContinues: false };
  const sinks: Sink[] = [
    { out: summary, riskyOnly: true, reserve: SUMMARY_TAIL_RESERVE, maxCount: Number.POSITIVE_INFINITY, count: 0 },
    { out: text, riskyOnly: false, reserve: CLOSING_RESERVE, maxCount: Math.max(0, input.maxResources ?? DEFAULT_MAX_RESOURCES), count: 0 },
  ];
  const parts = new Set(items.map((i) => i.part));
  if (!parts.has('own') && hasDrift) text.add(`## ${words.own}\n\n${words.noOwn}`);
  // Parts already begun in an earlier sink: their heading there says "(continued)".
  const started = new Set<Part>();
  let at = 0;
  let index = 0;
  while (index < items.length) {
    let item = items[index]!;
    for (;;) {
      while (at < sinks.length && sinks[at]!.riskyOnly && item.part !== 'risky') at++;
      if (at >= sinks.length && placement.pages.length < maxPages) {
        const page = new BlockWriter(OUTPUT_BUDGET - PAGE_HEADER_BYTES);
        placement.pages.push(page);
        sinks.push({ out: page, riskyOnly: false, reserve: CLOSING_RESERVE, maxCount: Number.POSITIVE_INFINITY, count: 0 });
      }
      const sink = sinks[at];
      if (!sink) {
        // No room left for this part: count the rest of it, and let the next part use the room kept for it.
        let left = item.group.members.length;
        while (index + 1 < items.length && items[index + 1]!.part === item.part) left += items[++index]!.group.members.length;
        const last = [...sinks].reverse().find((s) => s.out.bytes > 0 && !s.riskyOnly) ?? sinks[1]!;
        last.out.add(moreLine(input, placement.pages.length, left));
        at = 1;
        break;
      }
      // The drift part keeps room in the text while PR changes fill it.
      const reserve = sink.reserve + (sink.out === text && item.part !== 'drift' && hasDrift ? DRIFT_RESERVE : 0);
      const continued = sink.out !== summary && started.has(item.part);
      const heading = sink.part === item.part ? '' : partHeading(item.part, words, continued);
      const room = sink.out.room(reserve) - (heading ? byteLength(heading) + 2 : 0);
      const rendered = sink.count < sink.maxCount && room > 0 ? fitted(item, room) : undefined;
      if (rendered === undefined) {
        if (sink.out === summary) placement.riskyContinues = true;
        at++;
        continue;
      }
      if (heading) sink.out.add(heading);
      sink.out.add(rendered.text);
      started.add(item.part);
      sink.part = item.part;
      sink.count++;
      if (rendered.named >= item.group.members.length) break;
      item = { ...item, group: { ...item.group, members: item.group.members.slice(rendered.named) } };
    }
    index++;
  }
  return placement;
}

/** Room a section may take on a page of its own. */
const PAGE_SECTION_BYTES = OUTPUT_BUDGET - PAGE_HEADER_BYTES - CLOSING_RESERVE - 1_000;

/**
 * The item's section if it fits `room` whole; else undefined, and it goes to the next sink. A
 * group of several risky changes is the exception: it names as many members as fit, and the
 * rest continue in the next section, so no name is cut.
 */
function fitted(item: Item, room: number): { text: string; named: number } | undefined {
  const risky = item.part === 'risky';
  if (risky && item.group.members.length > 1) return renderGroupSection(item.group, { ...item.options, allNames: true }, Math.min(room, PAGE_SECTION_BYTES));
  const rendered = renderGroupSection(item.group, item.options, risky ? PAGE_SECTION_BYTES : SECTION_MAX_BYTES);
  return rendered && byteLength(rendered.text) <= room ? rendered : undefined;
}

function moreLine(input: PlanRenderInput, pages: number, left: number): string {
  const hint = pages >= MAX_PLAN_PAGES ? `the plan is longer than ${MAX_PLAN_PAGES + 1} parts; split the change into smaller PRs to review it in full` : undefined;
  return moreLineFor(hint ? { ...input.context, fullListHint: hint } : input.context, 'resource')(left);
}

/** Each writer followed by a page says where the plan continues. */
function closePlacement(placement: Placement): void {
  const writers = [placement.text, ...placement.pages];
  for (let i = 0; i < writers.length - 1; i++) {
    writers[i]!.add(`_… continued in the PR comment **Converge plan, part ${i + 2} of ${placement.pages.length + 1}**._`);
  }
}

interface Verdict {
  errors: number;
  risky: Record<RiskLevel, number>;
}

function riskPhrase(risky: Verdict['risky']): string {
  return [...RISK_LEVELS]
    .reverse()
    .filter((level) => level !== 'routine' && risky[level] > 0)
    .map((level) => `${formatCount(risky[level])} ${level}`)
    .join(', ');
}

function verdictLine(input: PlanRenderInput, verdict: Verdict, counts: PlanCounts, words: Wording): string {
  const lines: string[] = [];
  const { plan, policy } = input;
  const { errors } = verdict;
  if (errors > 0) {
    lines.push(`❌ **Invalid configuration: ${plural(errors, 'error')}.** Nothing would be applied until ${errors === 1 ? 'it is' : 'they are'} fixed; the annotations mark the lines.`);
  }
  if (plan.readFailures.length > 0) {
    lines.push(`❌ **${plural(plan.readFailures.length, 'resource')} could not be read**, so this plan is incomplete.`);
  }
  if (policy?.updateLimitExceeded) lines.push(updateLimitLine(policy, words));
  const denied = deniedRules(input.violations ?? []);
  if (denied.length > 0) {
    lines.push(`⛔ **Denied by policy: ${denied.map((name) => code(name, 100)).join(', ')}.** ${words.merging.startsWith('Merging') ? 'Merging' : 'This run'} would apply nothing while a rule denies a change (see *Policy*).`);
  }
  if (policy?.capExceeded) {
    const limit = policy.deletionLimit ?? policy.maxDeletionsPerRun;
    const cap = limit !== undefined ? ` (${limit})` : '';
    lines.push(
      `⛔ **Deletions blocked by the deletion cap.** The plan asks for ${plural(policy.requestedDeletions, 'deletion')}, more than \`maxDeletionsPerRun\`${cap} allows in one run, so none would run. Deleting them needs an admin to override the cap (\`/converge full-run --allow-deletions\`).`,
    );
  }
  if (lines.length > 0) return lines.join('\n\n');
  const noops = counts.total.noop;
  if (counts.changed === 0) {
    return `✅ **No changes.** ${noops > 0 ? `${plural(noops, 'resource')} already match the configuration.` : 'Nothing managed is affected.'}`;
  }
  const { blocked, held } = counts.total;
  const runs = counts.changed - blocked - held;
  const blockedNote =
    (blocked > 0 ? ` ${plural(blocked, 'blocked deletion')} would not run.` : '') +
    (held > 0 ? ` ${plural(held, 'difference')} of read-only kinds ${held === 1 ? 'is' : 'are'} only reported.` : '');
  const care = riskPhrase(verdict.risky);
  if (care) return `⚠️ **Needs care: ${care}.** ${words.merging} ${plural(runs, 'change')}; those that need care are listed first, in full.${blockedNote}`;
  return runs > 0 ? `✅ **${words.merging} ${plural(runs, 'change')}.**${blockedNote}` : `✅ **Nothing would be applied.**${blockedNote}`;
}

/** Past `maxUpdatesPerRun` nothing runs at all, creates and deletions included: the numbers and the way out. */
function updateLimitLine(policy: NonNullable<PlanRenderInput['policy']>, words: Wording): string {
  const limit = policy.updateLimit ? ` (${policy.updateLimit})` : '';
  const subject = words.merging.startsWith('Merging') ? 'Merging' : 'This run';
  return (
    `⛔ **Nothing would be applied: ${plural(policy.requestedUpdates ?? 0, 'update')}, more than \`maxUpdatesPerRun\`${limit} allows in one run.** ` +
    `${subject} would apply none of its changes, creates and deletions included. An admin can lift the limit for one run by commenting \`/converge full-run --allow-updates\` in the config repo.`
  );
}

/** One line per routine group: what happens to how many, and which fields. */
function routineList(items: readonly Item[], heading: string): string {
  // The largest groups first: a fan-out to 4,800 resources must not hide behind single changes.
  const routine = items.filter((i) => i.part !== 'risky').sort((a, b) => b.group.members.length - a.group.members.length);
  if (routine.length === 0) return '';
  function* lines(): Generator<string> {
    for (const { group, part } of routine) {
      const first = group.members[0]!;
      const what = group.members.length === 1 ? code(first.kind + '/' + first.name, 300) : `${formatCount(group.members.length)} × ${code(first.kind, 80)}`;
      let line = `- **${verb(first.action)}${first.action === 'delete' && first.blocked ? ' (blocked)' : ''}** ${what}`;
      if (first.action !== 'create' && group.fields.length > 0) {
        const names = group.fields.slice(0, 5).map((f) => code(f.path, 80));
        line += `: ${names.join(', ')}${group.fields.length > 5 ? ` and ${formatCount(group.fields.length - 5)} more` : ''}`;
      }
      if (part === 'drift') line += ' _(live drift)_';
      yield line;
    }
  }
  const body = fitLines(lines(), routine.length, 8_000 - byteLength(heading) - 2, (left) => `- … and ${formatCount(left)} more`, SUMMARY_GROUP_LINES);
  return `${heading}\n\n${body.text}`;
}

function conclusionOf(input: PlanRenderInput, risky?: Verdict['risky']): CheckOutput['conclusion'] {
  const { plan, policy } = input;
  if (hasErrors(plan.diagnostics) || plan.readFailures.length > 0 || policy?.capExceeded || policy?.updateLimitExceeded) return 'failure';
  if (deniedRules(input.violations ?? []).length > 0) return 'failure';
  const levels = risky ?? riskCounts(plan.changes);
  if ((input.failOn ?? []).some((level) => level !== 'routine' && levels[level] > 0)) return 'failure';
  return levels.destructive > 0 || levels.sensitive > 0 ? 'neutral' : 'success';
}

function riskCounts(changes: readonly Change[]): Verdict['risky'] {
  const risky: Verdict['risky'] = { routine: 0, sensitive: 0, destructive: 0 };
  for (const change of changes) if (applicable(change)) risky[riskOf(change).level]++;
  return risky;
}

/** The plan check run's output. Never throws; `summary`, `text` and each page fit GitHub's limits. */
export function renderPlan(input: PlanRenderInput): CheckOutput {
  try {
    const { plan } = input;
    const words = wording(input.context);
    const counts = countChanges(plan.changes);
    const verdict: Verdict = { errors: plan.diagnostics.filter((d) => d.severity === 'error').length, risky: riskCounts(plan.changes) };
    const items = itemsOf(plan.changes, input.context?.fileUrl);
    const hasDrift = items.some((i) => i.part === 'drift');

    // The approvals block is filled in last (it gates the conclusion); its room is kept here.
    const summary = new BlockWriter(OUTPUT_BUDGET - (input.approvals ? APPROVALS_BLOCK_BYTES + 2 : 0));
    summary.add(verdictLine(input, verdict, counts, words));
    if (input.context?.description) summary.add(`_${text(input.context.description, 300)}_`);
    if (input.approvals) summary.add(APPROVALS_SLOT);
    summary.add(policyBlock(input.violations ?? [], input.context?.fileUrl));
    summary.add(readFailuresBlock(plan.readFailures));
    summary.add(diagnosticsBlock(plan.diagnostics));
    const placement = place(items, summary, input, words, hasDrift);
    if (placement.riskyContinues) summary.add('_More changes that need care follow in the details below._');
    const driftCount = new Set(items.filter((i) => i.part === 'drift').flatMap((i) => i.group.members)).size;
    if (driftCount > 0 && input.context?.subject !== 'commit') {
      summary.add(`ℹ️ ${plural(driftCount, 'resource')} drifted live; merging would also revert ${driftCount === 1 ? 'it' : 'them'}. See *What merging would also revert*.`);
    }
    if (plan.changes.length > 0) summary.add(`## All changes\n\n${countsTable(counts)}`);
    summary.add(routineList(items, placement.summary.bytes > 0 && verdict.risky.sensitive + verdict.risky.destructive > 0 ? '### Other changes' : '### Changes'));
    closePlacement(placement);

    const annotations = diagnosticAndNoticeAnnotations(plan.diagnostics, plan.changes, input.maxAnnotations, input.maxNotices, input.context?.changedFiles);
    const annotatedErrors = annotations.filter((a) => a.annotation_level === 'failure').length;
    // Policy annotations after the errors, before the notices, within the same bound.
    const errorsAndWarnings = annotations.filter((a) => a.annotation_level !== 'notice');
    const notices = annotations.filter((a) => a.annotation_level === 'notice');
    annotations.splice(0, annotations.length, ...[...errorsAndWarnings, ...policyAnnotations(input.violations ?? []), ...notices].slice(0, input.maxAnnotations ?? DEFAULT_MAX_ANNOTATIONS));
    const output: CheckOutput = {
      title: titleOf(input, verdict, counts, annotatedErrors),
      summary: summary.toString(),
      text: textOf(placement.text, verdict, input, counts),
      annotations,
      conclusion: conclusionOf(input, verdict.risky),
      ...(placement.pages.length > 0 ? { pages: placement.pages.map((p) => p.toString()) } : {}),
    };
    return input.approvals ? gateOnApprovals(output, input.approvals) : output;
  } catch (error) {
    const conclusion = safeConclusion(() => conclusionOf(input));
    return renderFailure('The plan could not be rendered', error, input.approvals ? gatedConclusion(conclusion, input.approvals.evaluation) : conclusion);
  }
}

function textOf(text: BlockWriter, verdict: Verdict, input: PlanRenderInput, counts: PlanCounts): string {
  if (text.bytes > 0) {
    return verdict.errors > 0 ? `_The configuration is invalid, so none of this would be applied yet._\n\n${text.toString()}` : text.toString();
  }
  if (verdict.errors > 0) return 'Nothing was planned in full: the configuration is invalid (see the summary and the annotations).';
  if (input.plan.readFailures.length > 0) return 'Nothing else to show: the resources that could not be read are listed in the summary.';
  if (counts.changed > 0) return 'Every change is shown in the summary above.';
  return counts.total.noop > 0 ? `No changes: ${plural(counts.total.noop, 'resource')} already match the configuration.` : 'No changes.';
}

function titleOf(input: PlanRenderInput, verdict: Verdict, counts: PlanCounts, annotatedErrors: number): string {
  const { plan } = input;
  let title: string;
  if (verdict.errors > 0) {
    // The count is of errors; when some have no line to mark, the title says how many are marked.
    title = `Invalid configuration: ${plural(verdict.errors, 'error')}${annotatedErrors < verdict.errors ? ` (${formatCount(annotatedErrors)} marked on lines)` : ''}`;
  } else {
    const care = riskPhrase(verdict.risky);
    const phrase = countsPhrase(counts, input.policy?.capExceeded ?? false);
    title = care ? `Needs care: ${care}${phrase ? ` · ${phrase}` : ''}` : phrase || (plan.readFailures.length > 0 ? '' : 'No changes');
    if (input.policy?.updateLimitExceeded) title = `Held by maxUpdatesPerRun: ${title}`;
    const denied = deniedRules(input.violations ?? []);
    if (denied.length > 0) title = `Denied by policy (${denied.join(', ')}): ${title}`;
    if (plan.readFailures.length > 0) title += `${title ? '; ' : ''}${plural(plan.readFailures.length, 'resource')} could not be read`;
  }
  return truncateText(title, TITLE_MAX_CHARS);
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
