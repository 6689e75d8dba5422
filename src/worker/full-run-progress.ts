import type { Logger } from 'pino';
import type { ReadProgress } from '../core/provider.js';
import { updateCheckRun, type GitHubClient, type RepoRef } from '../github-app/index.js';

export interface ProgressReporter {
  onProgress(progress: ReadProgress): void;
  /** No more updates; waits for one in flight so it cannot land after the final result. */
  stop(): Promise<void>;
}

export interface ProgressOptions {
  client: GitHubClient;
  ref: RepoRef;
  checkRunId: number;
  /** Kinds to read, counted once per target. */
  expected: number;
  log: Logger;
  /** At most one update per this many milliseconds (the first goes out at once). */
  intervalMs?: number;
}

function render(read: ReadonlyMap<string, ReadProgress>, expected: number) {
  const rows = [...read.values()];
  const total = rows.reduce((sum, row) => sum + row.resources, 0);
  const title = `Looking for drift… ${rows.length} of ${expected} kinds read`;
  const table = ['| kind | target | live resources |', '|---|---|---:|', ...rows.map((r) => `| \`${r.kind}\` | ${r.target} | ${r.resources} |`)];
  const summary = `Reading the live state: ${rows.length} of ${expected} kinds read so far, ${total} live resources.\n\n${table.join('\n')}`;
  return { title, summary };
}

/**
 * Shows a long full run's progress on its check run: which kinds have been read, with how
 * many live resources. Updates are throttled (a full run of many kinds would otherwise PATCH
 * once per kind); one that fails is only logged, since the final result follows anyway.
 */
export function checkRunProgress(options: ProgressOptions): ProgressReporter {
  const intervalMs = options.intervalMs ?? 5000;
  const read = new Map<string, ReadProgress>();
  let lastAt = Number.NEGATIVE_INFINITY;
  let dirty = false;
  let stopped = false;
  let scheduled = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const send = () => {
    scheduled = false;
    timer = undefined;
    if (stopped || !dirty) return;
    dirty = false;
    lastAt = Date.now();
    inFlight = updateCheckRun(options.client, options.ref, options.checkRunId, render(read, options.expected))
      .catch((error: unknown) => options.log.warn({ err: error }, 'could not show full run progress on the check run'))
      .finally(() => {
        inFlight = undefined;
        if (dirty) schedule();
      });
  };

  function schedule() {
    if (stopped || scheduled || inFlight) return;
    scheduled = true;
    const wait = lastAt + intervalMs - Date.now();
    // The first update waits only for the kinds reported in the same turn (one bulk reader yields several).
    if (wait <= 0) queueMicrotask(send);
    else timer = setTimeout(send, wait);
  }

  return {
    onProgress(progress) {
      read.set(`${progress.kind}\u0000${progress.target}`, progress);
      dirty = true;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
