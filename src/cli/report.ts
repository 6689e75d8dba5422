import type { Diagnostic } from '../core/diagnostics.js';
import { formatLocation } from '../core/diagnostics.js';

export type OutputFormat = 'text' | 'json' | 'markdown';

/**
 * One diagnostic per line, as compilers print them, so editors and CI annotate the line:
 * `repos/api.yml:4:3: error: unknown field "spec.descripton" [schema.unknown-field]`.
 * A diagnostic with no location names the resource instead.
 */
export function diagnosticLine(d: Diagnostic): string {
  const where = formatLocation(d.location) || d.resource || 'converge';
  // Messages written for a check run name their file first; the line already does.
  const message = d.location && d.message.startsWith(`${d.location.file}: `) ? d.message.slice(d.location.file.length + 2) : d.message;
  return `${where}: ${d.severity}: ${message} [${d.code}]`;
}

/** The JSON shape of a diagnostic in every command's `--format json`. */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.location ? { file: d.location.file, line: d.location.line, column: d.location.column } : {}),
    ...(d.resource ? { resource: d.resource } : {}),
  };
}

/** Where every command writes: stdout for results, stderr for progress and notes (testable, and never mixed into JSON). */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal: progress is shown there as it happens. */
  interactive: boolean;
}

export const processIO: CliIO = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
};
