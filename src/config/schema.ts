import { z } from 'zod';
import { AutomergeSettings } from './automerge-schema.js';

/** `owners` is a list of GitHub handles or teams (`@org/team`) responsible for a resource. */
const Owners = z.array(z.string().min(1)).default([]);

export const Lifecycle = z
  .strictObject({
    retain: z.boolean().default(false),
    ignoreFields: z.array(z.string().min(1)).default([]),
  })
  .default({ retain: false, ignoreFields: [] });

/** The envelope every resource document shares; `spec` is checked by the kind's schema. */
export const ResourceDocument = z.strictObject({
  kind: z.string().min(1),
  name: z.string().min(1),
  target: z.string().min(1).optional(),
  previousNames: z.array(z.string().min(1)).default([]),
  lifecycle: Lifecycle,
  owners: Owners,
  spec: z.record(z.string(), z.unknown()).default({}),
});
export type ResourceDocument = z.infer<typeof ResourceDocument>;

/** Defaults: a partial spec merged under every resource the selector matches. */
export const DefaultsDocument = z.strictObject({
  kind: z.literal('defaults'),
  name: z.string().min(1),
  selector: z.strictObject({
    kind: z.string().min(1),
    /** Glob patterns on resource names; all names when absent. */
    names: z.array(z.string().min(1)).optional(),
    target: z.string().min(1).optional(),
  }),
  /** Higher priority wins when several defaults set the same field. */
  priority: z.number().int().default(0),
  owners: Owners,
  spec: z.record(z.string(), z.unknown()),
});
export type DefaultsDocument = z.infer<typeof DefaultsDocument>;

/** `adopt`: drift becomes a PR that declares the live state (src/worker/adopt-job.ts) instead of a revert. */
const DriftMode = z.enum(['report', 'revert', 'adopt']);

/** 0% to 100%, decimals allowed: `25%`, `12.5%`. A pattern, so that editors check it too. */
const SHARE = /^(?:100(?:\.0+)?|\d{1,2}(?:\.\d+)?)%$/;

const LIMIT_ERROR = { error: 'must be a whole number of resources (such as 5) or a share of the declared resources from "0%" to "100%" (such as "25%")' };

/**
 * A limit on what one run changes: a number of resources, or a share of the resources the
 * configuration declares (`"25%"`), resolved at each run (see resolveLimit in src/core/policy.ts).
 */
export const RunLimit = z.union([z.number(LIMIT_ERROR).int(LIMIT_ERROR).min(0, LIMIT_ERROR), z.string(LIMIT_ERROR).regex(SHARE, LIMIT_ERROR)], LIMIT_ERROR);
export type RunLimit = z.infer<typeof RunLimit>;

const Scope = z.strictObject({
  /** Glob patterns on names that full runs consider managed; default: every name. */
  include: z.array(z.string().min(1)).default(['**']),
  exclude: z.array(z.string().min(1)).default([]),
});

/** One value or a list of them (a rule's `kinds: github.repository` or `kinds: [a, b]`). */
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

/**
 * A policy rule on plans (see src/core/rules.ts for the semantics): which changes it is about,
 * and what a plan holding one gets. Kinds and fields are checked against the registry by
 * rules-checks.ts.
 */
export const PolicyRule = z.strictObject({
  name: z.string().min(1),
  /** The sentence shown when the rule is violated. */
  description: z.string().min(1),
  /** Every condition given must hold; `{}` matches every change. */
  match: z
    .strictObject({
      /** Globs on kinds. */
      kinds: oneOrMany(z.string().min(1)).optional(),
      /** Globs on resource names (a child's name holds its parent: `api/bug`). */
      names: oneOrMany(z.string().min(1)).optional(),
      actions: oneOrMany(z.enum(['create', 'update', 'rename', 'delete'])).optional(),
      /** Levels of the plan's risk classification. */
      risk: oneOrMany(z.enum(['routine', 'sensitive', 'destructive'])).optional(),
      /** Dotted spec paths, one of which the change must change. */
      fields: z.array(z.string().min(1)).min(1).optional(),
      /** The matched field's value before the change: one value, or a list of values any of which matches. */
      before: z.unknown().optional(),
      /** The matched field's value after the change: one value, or a list of values any of which matches. */
      after: z.unknown().optional(),
    })
    .default({}),
  effect: z.enum(['deny', 'warn', 'require-approval']),
  /** `require-approval`: who may approve, `@org/team` (any member) or `@user`. */
  approvers: z.array(z.string().regex(/^@[\w.-]+(\/[\w.-]+)?$/, { error: 'must be @user or @org/team' })).min(1).optional(),
  /** `require-approval`: how many different people among the approvers must approve (N of M). */
  count: z.number().int().min(1).optional(),
});
export type PolicyRule = z.infer<typeof PolicyRule>;

/**
 * The repo config: `converge.yml` at the config repo root, which says how Converge treats
 * this config repo (providers and their targets, schedule, drift, prune, scope). Every field
 * has a default.
 */
export const RepoConfig = z.strictObject({
  /**
   * Enabled providers. A provider's value is either its single target's settings or
   * `{ targets: { name: settings } }` for several targets.
   */
  providers: z.record(z.string(), z.unknown()).default({ github: {} }),
  /** Glob patterns of files holding resources; converge.yml itself is never one. */
  include: z.array(z.string().min(1)).default(['**/*.yml', '**/*.yaml']),
  exclude: z.array(z.string().min(1)).default(['.github/**']),
  schedule: z
    .strictObject({
      /** Cron expression for the full drift run (UTC); jittered per config repo when absent. */
      fullRun: z.string().min(1).optional(),
      enabled: z.boolean().default(true),
      /**
       * Without `fullRun`: while GitHub's events for the org are flowing (one arrived in the
       * last 24 hours), the daily full run runs only every this many days, since events find
       * drift within seconds. A `fullRun` cron always runs as written.
       */
      everyDaysWithEvents: z.number().int().min(1).max(31).default(7),
    })
    .default({ enabled: true, everyDaysWithEvents: 7 }),
  drift: z
    .strictObject({
      mode: DriftMode.default('report'),
      /** Per-kind overrides, for example `{ github.label: revert }`. */
      kinds: z.record(z.string(), DriftMode).default({}),
      /** One issue for the whole config repo, or one per drifted resource. */
      issues: z.enum(['single', 'per-resource']).default('single'),
      labels: z.array(z.string().min(1)).default(['converge-drift']),
    })
    .default({ mode: 'report', kinds: {}, issues: 'single', labels: ['converge-drift'] }),
  prune: z
    .strictObject({
      enabled: z.boolean().default(false),
      protected: z.array(z.string().min(1)).default([]),
      maxDeletionsPerRun: RunLimit.default(5),
    })
    .default({ enabled: false, protected: [], maxDeletionsPerRun: 5 }),
  /**
   * Blast-radius limits beside `prune.maxDeletionsPerRun`: a run that would update or rename
   * more existing resources than `maxUpdatesPerRun` applies nothing (no limit when unset).
   */
  limits: z
    .strictObject({
      maxUpdatesPerRun: RunLimit.optional(),
    })
    .default({}),
  /** Per kind: which live names full runs treat as managed (for extraneous detection). */
  scope: z.record(z.string(), Scope).default({}),
  /** Owners used for resources that name none. */
  owners: z.array(z.string().min(1)).default([]),
  /**
   * Which PRs get a plan. Plans read live state with the app's credentials, and a fork PR's
   * author is outside the org, so fork PRs are planned only when the default branch opts in.
   * `failOn`: risk levels that fail the plan check. By default a plan with a sensitive or
   * destructive change is `neutral` (it passes a required check but is not a green success).
   */
  plans: z
    .strictObject({
      forks: z.boolean().default(false),
      failOn: z.array(z.enum(['sensitive', 'destructive'])).default([]),
    })
    .default({ forks: false, failOn: [] }),
  /**
   * Who must approve a PR before its plan check passes. `owners`: every changed resource needs
   * an approval, at the PR's head, from one of its owners (`@org/team`: any active member;
   * `@user`). The author's and apps' approvals never count. `none` (default): owners are only shown.
   */
  approvals: z
    .strictObject({
      required: z.enum(['owners', 'none']).default('none'),
    })
    .default({ required: 'none' }),
  /** Policy rules every plan is checked against (deny, warn, require-approval); see PolicyRule. */
  policies: z.array(PolicyRule).default([]),
  /** GitHub's auto-merge for PRs whose plan qualifies (routine, approved, nothing deleted); see AutomergeSettings. */
  automerge: AutomergeSettings,
});
export type RepoConfig = z.infer<typeof RepoConfig>;

/** Where the repo config lives: the config repo's root. */
export const REPO_CONFIG_FILE = 'converge.yml';

/** How drift of one kind is treated: its `drift.kinds` entry, else `drift.mode`. */
export function driftModeOf(drift: Pick<RepoConfig['drift'], 'mode' | 'kinds'>, kind: string): z.infer<typeof DriftMode> {
  return drift.kinds[kind] ?? drift.mode;
}
