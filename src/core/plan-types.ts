import type { Diagnostic, SourceLocation } from './diagnostics.js';
import type { ErrorCode } from './errors.js';
import type { ResourceRef } from './resource.js';
import type { Risk } from './risk.js';

export type Action = 'create' | 'update' | 'rename' | 'delete' | 'noop';

/** One field that differs. `path` is dotted (`features.issues`); values are JSON values. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
  /** True when the PR does not change this field: merging would revert live drift. */
  drift?: boolean;
  /**
   * Where the desired value is declared when not in the resource's own document: the line of
   * the defaults document that sets it. A defaults change fanning out to many resources is
   * attributed there.
   */
  source?: SourceLocation;
}

/** Why a change is in the plan. */
export type ChangeOrigin =
  /** The model asks for it (resource added or edited). */
  | 'model'
  /** The live system drifted from an unchanged spec. */
  | 'drift'
  /** The resource was removed from the model. */
  | 'removed'
  /** Found live, in scope, never declared. */
  | 'extraneous';

export interface Change extends ResourceRef {
  action: Action;
  /** For renames: the live name the resource is renamed from. */
  fromName?: string;
  fields: FieldChange[];
  /** The full desired spec (create, update, rename). */
  desired?: Record<string, unknown>;
  /** The full live spec before the change (update, rename, delete). */
  actual?: Record<string, unknown>;
  origin: ChangeOrigin;
  source?: SourceLocation;
  owners: string[];
  /** Set when policy keeps this change from being applied (for example prune is off). */
  blocked?: string;
  /**
   * How much care the change needs, with why. `computePlan` sets it on every change (see
   * `classifyChange`); a change built by hand without it reads as routine (`riskOf`).
   */
  risk?: Risk;
}

/**
 * Why live state could not be read. `code` is the error class's code (`connection`,
 * `permission`, `rate-limited`, ...), `retryable` says whether trying again later may help,
 * and `message` is safe to show in a check run (no secrets, hosts or ports).
 */
export interface ReadError {
  code: ErrorCode;
  retryable: boolean;
  message: string;
}

/**
 * A resource, or a scope of resources, whose live state could not be read: it is reported,
 * never guessed. `name` is `*` for a whole kind in the target, or `<parent>/*` for everything
 * under one parent (one repository's rulesets); every resource a scope covers is unknown.
 */
export interface ReadFailure extends ResourceRef, ReadError {}

export interface Plan {
  changes: Change[];
  /** Problems found loading the model and in provider validation (the engine adds them). */
  diagnostics: Diagnostic[];
  readFailures: ReadFailure[];
  /** Full runs: what the bulk reads said of how they read (ReadAllResult.notes). */
  readNotes?: string[];
}

export type ResultStatus = 'applied' | 'skipped' | 'failed';

export interface ChangeResult {
  change: Change;
  status: ResultStatus;
  /** Why it was skipped, or the target's message when it failed. */
  message?: string;
  /** How many attempts apply took. */
  attempts: number;
}
