import type { Diagnostic, SourceLocation } from '../core/diagnostics.js';

/** An error diagnostic of the loader; `resource` is `kind/name` when the problem has one. */
export function configError(code: string, message: string, location?: SourceLocation, resource?: string): Diagnostic {
  return {
    severity: 'error',
    code,
    message,
    ...(location ? { location } : {}),
    ...(resource ? { resource } : {}),
  };
}

/** Where a problem with a whole file points: its first line. */
export function fileStart(file: string): SourceLocation {
  return { file, line: 1, column: 1 };
}
