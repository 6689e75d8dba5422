/** One line of the benchmark table, and the size presets every part reads. */

export type Status = 'pass' | 'miss' | 'info';

export interface Row {
  /** Stable key, e.g. `delta.converge.target`; the JSON is keyed and ordered by it. */
  id: string;
  section: string;
  measure: string;
  /** The number the target is checked against (null when the part failed). */
  value: number | null;
  unit: string;
  /** The value as printed, with its split or context. */
  display: string;
  target: string;
  status: Status;
  /** Why it missed, or what the number leaves out. */
  note?: string;
}

export interface PartResult {
  rows: Row[];
  /** Facts about the run worth printing under the table (what the model holds, how costs were counted). */
  notes: string[];
}

export interface BenchSize {
  name: 'smoke' | 'full';
  /** Repository files in the delta / full-run config repo (each declares 1 repository + 9 labels). */
  repositories: number;
  /** Resources for the engine benchmark (rounded up to whole repository files). */
  engineResources: number;
  /** Timed deliveries per webhook event (after a warm-up). */
  webhookDeliveries: number;
  /** Jobs per queue-throughput run. */
  queueJobs: number;
  /** Injected latency per request for the wall-time measurement. */
  latencyMs: number;
  /** Writes per endpoint in the write-pace measurement (label PATCHes, repository PATCHes). */
  pacedWrites: number;
}

export const SIZES: Record<BenchSize['name'], BenchSize> = {
  full: { name: 'full', repositories: 5_000, engineResources: 100_000, webhookDeliveries: 500, queueJobs: 2_000, latencyMs: 50, pacedWrites: 1_000 },
  smoke: { name: 'smoke', repositories: 50, engineResources: 2_000, webhookDeliveries: 30, queueJobs: 100, latencyMs: 50, pacedWrites: 20 },
};

export function check(value: number, comparison: '<' | '<=' | '>=', limit: number): Status {
  if (comparison === '<') return value < limit ? 'pass' : 'miss';
  if (comparison === '<=') return value <= limit ? 'pass' : 'miss';
  return value >= limit ? 'pass' : 'miss';
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  num: (n: number, digits = 2) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  ms: (n: number) => `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')} ms`,
  mib: (bytes: number) => (bytes < 10 * 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024 / 1024).toLocaleString('en-US')} MiB`),
};
