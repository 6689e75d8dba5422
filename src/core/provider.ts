import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import type { Change, FieldChange, ReadError, ReadFailure } from './plan-types.js';
import type { ActualResource, DesiredResource, ResourceRef } from './resource.js';
import type { Risk } from './risk.js';

/**
 * One resource kind a provider manages. The spec schema validates what users write
 * (strict: unknown fields are errors) and its output is what `diff` and `apply` receive.
 */
export interface ResourceKind<Spec extends Record<string, unknown> = Record<string, unknown>> {
  /** Provider-qualified, for example `github.repository`. */
  kind: string;
  /** One line for docs and error messages. */
  description: string;
  spec: z.ZodType<Spec>;
  /** Whether `previousNames` turn into a rename change (instead of being an error). */
  renamable: boolean;
  /**
   * Set for kinds Converge only reports (for example org membership): a sentence saying why.
   * Every change of such a kind stays in plans and drift reports but is never applied.
   */
  readOnly?: string;
  /** Returns a sentence when `name` cannot name this kind (for example a bad repository name). */
  validateName?(name: string): string | undefined;
  /**
   * How the target compares names: two names with the same key are one resource to it (GitHub
   * ignores case in repository names), so the loader rejects the second declaration.
   * Default: names compare exactly.
   */
  nameKey?(name: string): string;
  /** How names compare, for messages: for example "GitHub compares them without regard to case". */
  nameRule?: string;
  /**
   * Pure: field changes that turn `actual` into `desired`. Only fields present in
   * `desired` are compared, so a field the user did not set is never a change.
   * Defaults to `diffSpecs`.
   */
  diff?(desired: Spec, actual: Spec): FieldChange[];
  /**
   * Pure: how much care a planned change of this kind needs, with a reason sentence
   * (`sensitive` for widened access or weakened protection, `destructive` for what removes or
   * disables). Undefined means routine. Deletions are destructive whatever it returns; a
   * `destructive` answer for one replaces the engine's generic reason with the kind's own.
   */
  classify?(change: Change): Risk | undefined;
  /**
   * What a new resource of this kind gets for each field left out when it is created (the
   * target's defaults, or the provider's own where it fills one in), as a partial spec.
   * `converge import` leaves out live values equal to these, so imported files stay short;
   * nested objects compare field by field, anything else by value. Required fields never
   * appear. `name` and `spec` are the live resource's, for defaults that depend on them.
   */
  importDefaults?(name: string, spec: Spec): Record<string, unknown>;
  /**
   * Checks of one desired resource beyond its schema and name that need no call to the target
   * (a team's name must give its slug). The loader runs them, so they are errors on the
   * resource's line in every plan and in `converge validate`, offline.
   */
  validateConfig?(resource: DesiredResource): ConfigProblem[];
}

/** A problem `validateConfig` found in one resource: an error on its YAML line. */
export interface ConfigProblem {
  code: string;
  message: string;
}

export interface ReadResult {
  ref: ResourceRef;
  /** Undefined when the resource does not exist live. */
  actual?: ActualResource;
  /** Set when the resource could not be read; the plan reports it instead of guessing. */
  error?: ReadError;
}

export interface ReadAllResult {
  resources: ActualResource[];
  failures: ReadFailure[];
  /** How the read was made, for the run's report when it matters (a warm read: what it reused). */
  notes?: string[];
}

/** How the live state of one kind in one target is read for a plan: in bulk or resource by resource. */
export interface ReadChoice {
  kind: string;
  target: string;
  /** Resources of the kind the plan needs. */
  resources: number;
  bulk: boolean;
}

/** One kind of one target has been read in bulk, with how many live resources it has. */
export interface ReadProgress {
  kind: string;
  target: string;
  resources: number;
}

export interface ReadAllOptions {
  /** Called as each kind finishes, so a long full run can show how far it got. */
  onProgress?(progress: ReadProgress): void;
}

/** A provider bound to one target (an org, a database), for the length of one job. */
export interface ProviderSession {
  /** Live state of exactly these resources, one result per ref, with as few calls as possible. */
  read(refs: ResourceRef[]): Promise<ReadResult[]>;
  /** Every live resource of these kinds in the target, read in bulk (full runs). */
  readAll(kinds: string[], options?: ReadAllOptions): Promise<ReadAllResult>;
  /**
   * Whether `count` resources of `kind` cost fewer requests read in bulk (`readAll`) than one
   * by one (`read`). The engine asks per kind when a plan reads a selection (a first
   * convergence, a defaults change fanning out); without it, selections are read one by one.
   */
  bulkReadPays?(kind: string, count: number): boolean;
  /**
   * Make one change real. Idempotent: applying a change that already took effect succeeds.
   * Throws a ConvergeError subclass; the class decides retry or failure.
   */
  apply(change: Change): Promise<void>;
  /** Cross-resource and live checks (for example: does this team exist?), as diagnostics. */
  validate?(resources: DesiredResource[]): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export interface TargetConfig<Settings> {
  /** The target's name in converge.yml (`default` when a provider has a single target). */
  name: string;
  settings: Settings;
}

/**
 * A provider manages one kind of target system. `Deps` is what the host process hands
 * every provider (clients, environment, logger); the engine never looks inside it.
 */
export interface Provider<Settings = unknown, Deps = unknown> {
  name: string;
  /** Kinds in dependency order: creates run in this order, deletes in reverse. */
  kinds: ResourceKind<any>[];
  /** Schema of one target's settings in converge.yml. */
  targetSettings: z.ZodType<Settings>;
  connect(target: TargetConfig<Settings>, deps: Deps): Promise<ProviderSession>;
}
