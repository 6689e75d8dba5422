/**
 * Each part runs in its own Node process (forked by run.ts): nock's interception, --expose-gc
 * and Redis connections never leak between measurements. A part receives its size as JSON in
 * argv and sends its PartResult back over IPC. A part may also send partial results as it
 * goes, so a part stopped at its time limit still reports what it measured.
 */
import type { BenchSize, PartResult } from './rows.js';

export interface PartMessage {
  final: boolean;
  result: PartResult;
}

export interface PartContext {
  /** When the parent stops this part (ms after start). */
  timeLimitMs: number;
  /** Report what is known so far; used only if the part does not finish. */
  progress(result: PartResult): void;
}

export function runPart(part: (size: BenchSize, context: PartContext) => Promise<PartResult>): void {
  const size = JSON.parse(process.argv[2] ?? '{}') as BenchSize;
  const timeLimitMs = Number(process.argv[3] ?? 600_000);
  const send = (message: PartMessage, done?: () => void) => {
    if (process.send) process.send(message, undefined, undefined, () => done?.());
    else {
      if (message.final) console.log(JSON.stringify(message.result, null, 2));
      done?.();
    }
  };
  part(size, { timeLimitMs, progress: (result) => send({ final: false, result }) }).then(
    (result) => send({ final: true, result }, () => process.exit(0)),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
