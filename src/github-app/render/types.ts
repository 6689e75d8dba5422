import type { Diagnostic } from '../../core/diagnostics.js';
import type { ChangeResult, Plan, ReadFailure } from '../../core/plan-types.js';
import type { PolicyOutcome } from '../../core/policy.js';
import type { RiskLevel } from '../../core/risk.js';
import type { ApprovalsInput } from './approvals.js';
import type { RuleViolation } from '../../core/rules.js';

/** One check-run annotation, in the shape GitHub's API takes. */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  /** Only when `start_line === end_line` (GitHub rejects columns across lines). */
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** `action_required`: the plan waits for approvals (blocks a required check, as `failure` does). */
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'action_required';

/** A check run's output and conclusion; `summary` and `text` always fit GitHub's limits. */
export interface CheckOutput {
  title: string;
  summary: string;
  text: string;
  /** All of them; send them in batches with `chunkAnnotations`. */
  annotations: Annotation[];
  conclusion: CheckConclusion;
  /**
   * Plans only, when `RenderContext.pages` is set and the plan does not fit: its continuation,
   * in order, each a Markdown body within GitHub's comment limit less PAGE_HEADER_BYTES, for
   * the poster to number ("part 2 of 4") and post as PR comments.
   */
  pages?: string[];
}

export interface RenderContext {
  /** One line on what was planned, e.g. "delta from base abc1234 to head def5678". Plain text. */
  description?: string;
  /** Link to a line of a config-repo file (at the planned commit), when one can be built. */
  fileUrl?(file: string, line: number): string | undefined;
  /** Wording: a PR's plan ("Changes this PR makes") or a commit's. Default 'pull-request'. */
  subject?: 'pull-request' | 'commit';
  /** Where the full list lives, ending the "… more not shown" line. Plain text. */
  fullListHint?: string;
  /** Whether what does not fit may continue in pages (PR comments the poster writes). */
  pages?: boolean;
  /**
   * The files the PR changed. Notices go only on their lines: a defaults change is marked on
   * the defaults line, never on the thousands of resource files it did not touch. Unset: on
   * every changed resource's declaring line.
   */
  changedFiles?: ReadonlySet<string>;
}

export interface PlanRenderInput {
  /** The plan after the deletion policy (blocked deletions carry `blocked`). */
  plan: Plan;
  policy?: Pick<PolicyOutcome, 'requestedDeletions' | 'capExceeded'> &
    Partial<Pick<PolicyOutcome, 'maxDeletionsPerRun' | 'deletionLimit' | 'requestedUpdates' | 'updateLimitExceeded' | 'updateLimit'>>;
  context?: RenderContext;
  /** Resources rendered in full in `text`; the byte budget may stop earlier. Default 200. */
  maxResources?: number;
  /** Notices on the declaring line of changed resources. Default 50. */
  maxNotices?: number;
  /** Annotations in all (20 requests of 50). Default 1,000. */
  maxAnnotations?: number;
  /**
   * Risk levels that fail the check (converge.yml `plan.failOn`). Without them, a plan with a
   * sensitive or destructive change is `neutral`, never a plain `success`.
   */
  failOn?: readonly RiskLevel[];
  /**
   * The approvals the plan needs and what the PR's reviews give it (converge.yml `approvals`,
   * policy rules' `require-approval`): shown near the top; while one waits, the conclusion is
   * `action_required`. The approval check re-renders this part alone (see render/approvals.ts).
   */
  approvals?: ApprovalsInput;
  /**
   * What the converge.yml policy rules say about the plan (evaluateRules, with lines from
   * locateViolations): a `deny` fails the check; `warn` and `require-approval` are shown only.
   */
  violations?: readonly RuleViolation[];
}

export interface ResultsRenderInput {
  results: ChangeResult[];
  /** The run's limits: past `maxUpdatesPerRun`, the results say that nothing was applied and why. */
  policy?: Partial<Pick<PolicyOutcome, 'requestedUpdates' | 'updateLimitExceeded' | 'updateLimit'>>;
  /** Resources whose live state could not be read, so nothing was applied to them. */
  readFailures?: ReadFailure[];
  diagnostics?: Diagnostic[];
  context?: RenderContext;
  /** Results rendered in full in `text`; the byte budget may stop earlier. Default 200. */
  maxResources?: number;
  maxAnnotations?: number;
}
