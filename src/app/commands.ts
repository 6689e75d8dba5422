/**
 * The comment commands Converge answers. One rule for both sides: the web process matches it
 * on the webhook's copy of the comment, the worker again on GitHub's current copy, so an
 * edited or forged comment never runs what it no longer says.
 */
import { distance } from 'fastest-levenshtein';

/** `/converge full-run`, optionally `--allow-deletions`, on a line of its own. */
const FULL_RUN = /^\/converge\s+full-run(\s+--allow-deletions)?\s*$/;

/** A line addressed to Converge: `/converge` alone or followed by whitespace. */
const ADDRESSED = /^\/converge(?:\s|$)/;

/** Every form a command takes, as the usage text lists them and typos are compared with. */
const FORMS = ['full-run', 'full-run --allow-deletions'] as const;

/** How many edits (typed letters, missing dashes) a mistyped command may be away from a form. */
const MAX_TYPO_DISTANCE = 3;

export interface FullRunCommand {
  allowDeletions: boolean;
}

/** What a comment asks of Converge: a command it runs, or a `/converge` line it does not know. */
export type CommentCommand = ({ kind: 'full-run' } & FullRunCommand) | { kind: 'unknown'; line: string; suggestion?: string };

const linesOf = (body: string) => body.trim().split(/\r?\n/).map((line) => line.trimEnd());

export function parseFullRunCommand(body: string): FullRunCommand | undefined {
  for (const line of linesOf(body)) {
    const match = FULL_RUN.exec(line);
    if (match) return { allowDeletions: match[1] !== undefined };
  }
  return undefined;
}

/** The closest form within a few edits of what was typed after `/converge`, if any. */
function closest(typed: string): string | undefined {
  const words = typed.trim().split(/\s+/).join(' ');
  if (!words) return undefined;
  const [best] = FORMS.map((form) => ({ form, edits: distance(words, form) })).sort((a, b) => a.edits - b.edits);
  return best && best.edits <= MAX_TYPO_DISTANCE ? `/converge ${best.form}` : undefined;
}

/**
 * The command of a comment, or undefined when no line starts with `/converge`. A command Converge
 * runs wins over other `/converge` lines; otherwise the first one is unknown, with the command
 * it most likely meant.
 */
export function parseCommentCommand(body: string): CommentCommand | undefined {
  const run = parseFullRunCommand(body);
  if (run) return { kind: 'full-run', ...run };
  const line = linesOf(body).find((l) => ADDRESSED.test(l));
  if (line === undefined) return undefined;
  const suggestion = closest(line.slice('/converge'.length));
  return { kind: 'unknown', line, ...(suggestion ? { suggestion } : {}) };
}

const MAX_ECHO_CHARS = 100;

/** The reply to an unknown command: what was not understood, the likely meant one, and every command. */
export function usageText(command: Extract<CommentCommand, { kind: 'unknown' }>): string {
  const echoed = command.line.length > MAX_ECHO_CHARS ? `${command.line.slice(0, MAX_ECHO_CHARS - 1)}…` : command.line;
  // Backticks in the echo would end its code span early; the commands below are in code spans
  // too, never at a line's start, so this reply never reads as a command itself.
  const lines = [`Converge does not know the command \`${echoed.replace(/`/g, "'")}\`.${command.suggestion ? ` Did you mean \`${command.suggestion}\`?` : ''}`, '', 'Commands:'];
  lines.push('- `/converge full-run`: look for drift across the whole configuration now (admins of this repository only).');
  lines.push('- `/converge full-run --allow-deletions`: the same, lifting the maximum number of deletions per run for this once.');
  return lines.join('\n');
}
