/** Where something is declared in the config repo. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export type Severity = 'error' | 'warning';

/**
 * One problem found while loading, validating or planning. Diagnostics are collected,
 * never thrown, so one run reports every problem at once (and each maps to a check-run
 * annotation when it has a location).
 */
export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, for example `yaml.syntax` or `schema.unknown-field`. */
  code: string;
  /** One sentence a user understands, naming what is wrong and where. */
  message: string;
  location?: SourceLocation;
  /** The resource the problem belongs to, as `kind/name`, when there is one. */
  resource?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  return `${location.file}:${location.line}:${location.column}`;
}
