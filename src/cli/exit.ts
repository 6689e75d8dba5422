/** `converge` exit codes: the same meaning for every command, so scripts and hooks can rely on them. */
export const EXIT = {
  /** Nothing to report: valid, no changes. */
  clean: 0,
  /** Findings: diagnostics, planned changes, read failures. */
  findings: 1,
  /** Wrong usage or environment: bad arguments, missing credentials, unreachable target. */
  usage: 2,
} as const;

/** Wrong arguments or environment: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
