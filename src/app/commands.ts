/**
 * The comment commands Converge answers. One rule for both sides: the web process matches it
 * on the webhook's copy of the comment, the worker again on GitHub's current copy, so an
 * edited or forged comment never runs what it no longer says.
 */

/** `/converge full-run`, optionally `--allow-deletions`, on a line of its own. */
const FULL_RUN = /^\/converge\s+full-run(\s+--allow-deletions)?\s*$/m;

export interface FullRunCommand {
  allowDeletions: boolean;
}

export function parseFullRunCommand(body: string): FullRunCommand | undefined {
  const match = FULL_RUN.exec(body.trim());
  return match ? { allowDeletions: match[1] !== undefined } : undefined;
}
