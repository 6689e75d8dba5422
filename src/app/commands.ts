/**
 * The comment commands Converge answers. One rule for both sides: the web process matches it
 * on the webhook's copy of the comment, the worker again on GitHub's current copy, so an
 * edited or forged comment never runs what it no longer says.
 */
import { distance } from 'fastest-levenshtein';

/** `/converge full-run`, optionally `--allow-deletions` and `--allow-updates` (in either order), on a line of its own. */
const FULL_RUN = /^\/converge\s+full-run((?:\s+--allow-(?:deletions|updates))*)\s*$/;

/** `/converge adopt <key>`: the resource key as the drift issue shows it (`github.repository/api`). */
const ADOPT = /^\/converge\s+adopt\s+([^\s`]+)\s*$/;

/** A line addressed to Converge: `/converge` alone or followed by whitespace. */
const ADDRESSED = /^\/converge(?:\s|$)/;

/** Every form a command takes, as the usage text lists them and typos are compared with. */
const FORMS = ['full-run', 'full-run --allow-deletions', 'full-run --allow-updates', 'full-run --allow-deletions --allow-updates', 'adopt'] as const;

/** How many edits (typed letters, missing dashes) a mistyped command may be away from a form. */
const MAX_TYPO_DISTANCE = 3;

export interface FullRunCommand {
  /** Lift `prune.maxDeletionsPerRun` for this run. */
  allowDeletions: boolean;
  /** Lift `limits.maxUpdatesPerRun` for this run. */
  allowUpdates: boolean;
}

/** What a comment asks of Converge: a command it runs, or a `/converge` line it does not know. */
export type CommentCommand = ({ kind: 'full-run' } & FullRunCommand) | { kind: 'adopt'; key: string } | { kind: 'unknown'; line: string; suggestion?: string };

const linesOf = (body: string) => body.trim().split(/\r?\n/).map((line) => line.trimEnd());

export function parseFullRunCommand(body: string): FullRunCommand | undefined {
  for (const line of linesOf(body)) {
    const match = FULL_RUN.exec(line);
    if (match) {
      const flags = match[1]!.split(/\s+/);
      return { allowDeletions: flags.includes('--allow-deletions'), allowUpdates: flags.includes('--allow-updates') };
    }
  }
  return undefined;
}

/** The resource key of the first `/converge adopt <key>` line, if any. */
export function parseAdoptCommand(body: string): string | undefined {
  for (const line of linesOf(body)) {
    const match = ADOPT.exec(line);
    if (match) return match[1]!;
  }
  return undefined;
}

/** The closest form within a few edits of what was typed after `/converge`, if any. */
function closest(typed: string): string | undefined {
  const words = typed.trim().split(/\s+/).join(' ');
  if (!words) return undefined;
  // `adopt` takes an argument: the command word alone is compared, and the key kept.
  const [first, ...rest] = words.split(' ');
  if ((first !== 'adopt' && distance(first!, 'adopt') <= 2) || (first === 'adopt' && rest.length !== 1)) {
    return `/converge adopt ${rest.length === 1 ? rest[0] : '<key>'}`;
  }
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
  const adopt = parseAdoptCommand(body);
  if (adopt) return { kind: 'adopt', key: adopt };
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
  lines.push('- `/converge full-run --allow-deletions`: the same, lifting the maximum number of deletions per run (`prune.maxDeletionsPerRun`) for this once, and deleting what it finds whatever the drift mode.');
  lines.push('- `/converge full-run --allow-updates`: the same, lifting the maximum number of updates per run (`limits.maxUpdatesPerRun`) for this once, and applying the configuration to what it finds whatever the drift mode.');
  lines.push('- Both flags may be given together: `/converge full-run --allow-deletions --allow-updates`.');
  lines.push('- `/converge adopt <key>`, on a drift issue (for example `/converge adopt github.repository/api`): open, or add to, the pull request that changes the configuration to match what is live for that resource, instead of reverting it (admins of this repository only).');
  return lines.join('\n');
}
