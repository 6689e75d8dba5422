/**
 * Failures of the app's own GitHub calls (check runs, snapshots, comments, issues). GitHub's
 * answers become typed errors in one place, the github target's mapping; the app reuses it
 * through this module only, so nothing outside the provider reaches into its files.
 */
import type { ConvergeError } from '../core/errors.js';
import { statusOf, toGitHubError } from '../providers/github/index.js';

export { statusOf };

/**
 * A typed error for anything an app call threw. Its message is safe to show on a check run
 * or in a comment: tokens are redacted and a transport error names only its code.
 */
export function appGitHubError(thrown: unknown, operation: 'read' | 'write' = 'read'): ConvergeError {
  return toGitHubError(thrown, undefined, operation);
}
