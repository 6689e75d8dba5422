/**
 * The approvals section of the plan check run, and the gate it puts on the conclusion.
 *
 * The section sits near the top of the summary between two hidden markers and carries, as
 * hidden data, what the approval check needs to redo it without the plan: the requirements,
 * and the plan's own conclusion and title. A new review then re-renders only this block (see
 * src/worker/approvals-job.ts): no target is read again.
 *
 * While a requirement waits, the conclusion is `action_required`: like `failure` it blocks a
 * required check (only success, neutral and skipped pass one), and GitHub shows it as waiting
 * for someone rather than as broken. A plan that fails on its own stays `failure`.
 */
import type { ApprovalEvaluation, ApprovalRequirement } from '../../core/approvals.js';
import { automergeWithApprovals, type MergeMethod } from '../../core/automerge.js';
import { commentData, hiddenData } from '../comments.js';
import { byteLength, fitLines, truncateText } from './budget.js';
import { code, formatCount, plural, tableHeader, tableRow } from './markdown.js';
import type { CheckConclusion, CheckOutput } from './types.js';

const OPEN = '<!-- converge:approvals -->';
const CLOSE = '<!-- /converge:approvals -->';
const DATA_KEY = 'approvals';
const FORMAT = 1;
/** Room the plan keeps in its summary for this block, hidden data included. */
export const APPROVALS_BLOCK_BYTES = 16_000;
/** The hidden data's share of the block; past it, resource lists are shortened (never the requirements). */
const DATA_BYTES = 10_000;
const NAMES_PER_OWNER = 10;
const TITLE_MAX_CHARS = 200;

/** Where renderPlan leaves the block; gateOnApprovals puts it there. */
export const APPROVALS_SLOT = OPEN;

export interface ApprovalsInput {
  requirements: ApprovalRequirement[];
  evaluation: ApprovalEvaluation;
  /** The commit approvals count at (the PR head the plan is for). */
  headSha: string;
  /** converge.yml `automerge` is on: what the plan itself keeps from it, and what became of it. */
  automerge?: StoredAutomerge & { outcome: string };
}

/** Auto-merge as the block keeps it: the merge method and the plan's own blockers (see planBlockers). */
export interface StoredAutomerge {
  method: MergeMethod;
  blockers: string[];
}

/** What the block keeps for the approval check. */
export interface StoredApprovals {
  format: number;
  /** The plan's conclusion and title before the gate. */
  conclusion: CheckConclusion;
  title: string;
  headSha: string;
  requirements: ApprovalRequirement[];
  /** Resource lists were shortened to fit. */
  shortened?: boolean;
  automerge?: StoredAutomerge;
}

/** The data to keep; undefined when even its shortest form does not fit (hundreds of different owner sets). */
function stored(output: Pick<CheckOutput, 'conclusion' | 'title'>, input: ApprovalsInput): StoredApprovals | undefined {
  const data: StoredApprovals = {
    format: FORMAT,
    conclusion: output.conclusion,
    title: output.title,
    headSha: input.headSha,
    requirements: input.requirements,
    ...(input.automerge ? { automerge: { method: input.automerge.method, blockers: input.automerge.blockers } } : {}),
  };
  const fits = (d: StoredApprovals) => byteLength(hiddenData(DATA_KEY, d)) <= DATA_BYTES;
  if (fits(data)) return data;
  for (const keep of [3, 0]) {
    // An owners requirement's reason only repeats its resources: kept for rules alone.
    const short = (r: ApprovalRequirement) => ({ ...r, reason: r.source === 'owners' ? '' : r.reason, resources: r.resources.slice(0, keep) });
    const shorter = { ...data, shortened: true, requirements: input.requirements.map(short) };
    if (fits(shorter)) return shorter;
  }
  return undefined;
}

/** The stored data of a summary's approvals block; undefined when it has none (nothing to approve). */
export function readApprovals(summary: string | null | undefined): StoredApprovals | undefined {
  const block = blockOf(summary ?? '');
  const data = block === undefined ? undefined : (commentData(block, DATA_KEY) as StoredApprovals | undefined);
  return data?.format === FORMAT && Array.isArray(data.requirements) ? data : undefined;
}

function blockOf(summary: string): string | undefined {
  const start = summary.indexOf(OPEN);
  const end = summary.indexOf(CLOSE, start);
  return start < 0 || end < 0 ? undefined : summary.slice(start, end + CLOSE.length);
}

/** `action_required` while a requirement waits, unless the plan fails on its own. */
export function gatedConclusion(plan: CheckConclusion, evaluation: ApprovalEvaluation): CheckConclusion {
  return plan === 'failure' || evaluation.satisfied ? plan : 'action_required';
}

function gatedTitle(plan: string, evaluation: ApprovalEvaluation): string {
  if (evaluation.satisfied) return plan;
  const waiting = evaluation.owners.filter((o) => o.waiting.length > 0).map((o) => o.owner);
  const who = waiting.length > 3 ? `${waiting.slice(0, 3).join(', ')} and ${formatCount(waiting.length - 3)} more` : waiting.join(', ');
  return truncateText(`Waiting for approval${who ? ` from ${who}` : ''}${plan ? ` · ${plan}` : ''}`, TITLE_MAX_CHARS);
}

const names = (keys: readonly string[]) =>
  keys.length === 0 ? '—' : `${keys.slice(0, NAMES_PER_OWNER).map((k) => code(k, 120)).join(', ')}${keys.length > NAMES_PER_OWNER ? ` and ${formatCount(keys.length - NAMES_PER_OWNER)} more` : ''}`;
const people = (logins: readonly string[]) => logins.map((l) => code(l, 60)).join(', ');

/** The visible section, within `maxBytes` (empty when even its heading does not fit). */
export function renderApprovalsSection(evaluation: ApprovalEvaluation, headSha: string, maxBytes: number, shortened = false, automerge?: string): string {
  const at = code(headSha.slice(0, 7));
  const byOwners = evaluation.requirements.some((r) => r.requirement.source === 'owners');
  const intro = evaluation.satisfied
    ? `✅ **Approved.** Every approval this plan needs was given at ${at}, the PR's head.`
    : `⏳ **Waiting for approval.** ${byOwners ? 'Each changed resource needs an approval from one of its owners' : 'Merging needs the approvals below'}, given at ${at}, the PR's head: approvals of earlier commits, the author's own and apps' do not count.`;
  const head = evaluation.requirements.length === 0 ? '## Approvals\n\nThis plan needs no approval from Converge.' : `## Approvals\n\n${intro}`;
  const rules = evaluation.requirements.filter((r) => r.requirement.source === 'rule');
  const lines = function* (): Generator<string> {
    for (const owner of evaluation.owners) {
      // An owner whose resources another owner approved is no longer waited for.
      const approved = owner.approvedBy.length > 0 ? `✅ ${people(owner.approvedBy)}` : owner.satisfied ? 'not needed' : '⏳ not yet';
      const waiting = owner.waiting.length > 0 || owner.satisfied ? names(owner.waiting) : '_some (list shortened)_';
      yield tableRow([code(owner.owner, 100), approved, waiting]);
    }
  };
  const table = `${tableHeader(['Owner', 'Approved', 'Waiting for them'])}`;
  const ruleLines = rules.map(({ requirement: r, approvedBy, satisfied }) => {
    const of = `${formatCount(approvedBy.length)} of ${plural(r.count, 'approval')} from ${r.approvers.map((a) => code(a, 100)).join(', ')}`;
    return `- ${satisfied ? '✅' : '⏳'} Rule ${code(r.reason, 100)}: ${of}${approvedBy.length > 0 ? ` (${people(approvedBy)})` : ''}, for ${names(r.resources)}`;
  });
  const note = [shortened ? '_Resource lists are shortened: this PR changes resources of many different owners._' : '', automerge ?? ''].filter(Boolean).join('\n\n');
  const fixed = byteLength(head) + byteLength(table) + byteLength(note) + 8;
  const ruleBlock = fitLines(ruleLines, ruleLines.length, Math.max(0, (maxBytes - fixed) / 3), (left) => `- … and ${plural(left, 'more rule')}`);
  const rows = fitLines(lines(), evaluation.owners.length, maxBytes - fixed - byteLength(ruleBlock.text), (left) => tableRow([`… and ${plural(left, 'more owner')}`, '', '']));
  const parts = [head, ...(rows.text ? [`${table}\n${rows.text}`] : []), ...(ruleBlock.text ? [ruleBlock.text] : []), ...(note ? [note] : [])];
  const section = parts.join('\n\n');
  return byteLength(section) <= maxBytes ? section : byteLength(head) <= maxBytes ? head : '';
}

/** The auto-merge paragraph: what Converge did, and every reason (a few, each bounded). */
export function automergeText(outcome: string, reasons: readonly string[]): string {
  const shown = reasons.slice(0, 10).map((r) => `- ${truncateText(r, 600)}`);
  return `**Auto-merge:** ${truncateText(outcome, 600)}\n\n${shown.join('\n')}${reasons.length > 10 ? `\n- … and ${formatCount(reasons.length - 10)} more` : ''}`;
}

function block(data: StoredApprovals, evaluation: ApprovalEvaluation, maxBytes: number, automerge?: string): string {
  const hidden = hiddenData(DATA_KEY, data);
  const room = maxBytes - byteLength(OPEN) - byteLength(CLOSE) - byteLength(hidden) - 8;
  // Blank lines around the section, so that the closing marker cannot end up in its table.
  return `${OPEN}\n${hidden}\n\n${renderApprovalsSection(evaluation, data.headSha, room, data.shortened, automerge)}\n\n${CLOSE}`;
}

/** The plan's output with the approvals block in its slot, and its conclusion and title gated. */
export function gateOnApprovals(output: CheckOutput, input: ApprovalsInput): CheckOutput {
  const data = stored(output, input);
  const at = output.summary.indexOf(APPROVALS_SLOT);
  if (!data) {
    // Fails closed: an approval the check could not track later must not pass by default.
    const why = `## Approvals\n\n❌ **Too many different approval requirements (${formatCount(input.requirements.length)}) to track on this check run.** Split the change into smaller PRs.`;
    const summary = at < 0 ? output.summary : output.summary.slice(0, at) + why + output.summary.slice(at + APPROVALS_SLOT.length);
    return { ...output, summary, conclusion: 'failure', title: truncateText(`Too many approval requirements · ${output.title}`, TITLE_MAX_CHARS) };
  }
  if (at < 0) return { ...output, conclusion: gatedConclusion(output.conclusion, input.evaluation), title: gatedTitle(output.title, input.evaluation) };
  const automerge = input.automerge ? automergeText(input.automerge.outcome, automergeWithApprovals(input.automerge.blockers, input.evaluation).reasons) : undefined;
  const summary = output.summary.slice(0, at) + block(data, input.evaluation, APPROVALS_BLOCK_BYTES, automerge) + output.summary.slice(at + APPROVALS_SLOT.length);
  return { ...output, summary, conclusion: gatedConclusion(output.conclusion, input.evaluation), title: gatedTitle(output.title, input.evaluation) };
}

/**
 * The check run's output after new reviews: the block re-rendered from its stored data and
 * `evaluation`, everything else of the summary as the plan wrote it. The block gets the room
 * the plan kept for it, so the summary stays within GitHub's limit.
 */
export function regate(summary: string, data: StoredApprovals, evaluation: ApprovalEvaluation, automergeOutcome?: string): { title: string; summary: string; conclusion: CheckConclusion } {
  const old = blockOf(summary);
  const automerge = data.automerge && automergeOutcome !== undefined ? automergeText(automergeOutcome, automergeWithApprovals(data.automerge.blockers, evaluation).reasons) : undefined;
  const next = old === undefined ? summary : summary.replace(old, () => block(data, evaluation, APPROVALS_BLOCK_BYTES, automerge));
  return { title: gatedTitle(data.title, evaluation), summary: next, conclusion: gatedConclusion(data.conclusion, evaluation) };
}
