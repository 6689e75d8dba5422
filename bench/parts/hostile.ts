/**
 * Part 6: hostile input. Every input of the corpus in test/hostile (alias bombs, oversize
 * files and snapshots, typos, invalid crons, colliding names) runs through what the plan job
 * runs: unpack the tarball when there is one, loadModel, and for a valid model plan + render.
 * Each input runs in a fresh Node process, so its peak memory is its own: the input is
 * generated here (untimed), handed over in a file, and the child reports wall time and how far
 * its peak RSS rose above what it held before the run. The rows are the worst case of each.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpus, type HostileInput } from '../../test/hostile/corpus.js';
import { prepare, runHostile } from '../../test/hostile/run.js';
import { runPart } from '../support/child.js';
import { check, fmt, type PartResult, type Row } from '../support/rows.js';

const SECTION = '6. Hostile input';
const TIME_TARGET_MS = 1_000;
const MEMORY_TARGET = 256 * 1024 * 1024;

interface Measured {
  name: string;
  ms: number;
  peakBytes: number;
  /** Whether the outcome is the one the corpus expects (the tests check the details). */
  expected: boolean;
  codes: string[];
}

function expectedOutcome(input: HostileInput, codes: string[], rendered: boolean): boolean {
  if (input.expect.length === 0) return codes.length === 0 && rendered;
  return input.expect.every((e) => codes.includes(e.code));
}

/** In the child: read the prepared input, run it once, report time and peak memory. */
async function child(index: number, path: string): Promise<void> {
  const input = corpus[index]!;
  const raw = readFileSync(path);
  const prepared = input.tarball ? raw : new Map<string, string>(JSON.parse(raw.toString('utf8')) as Array<[string, string]>);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const outcome = await runHostile(prepared);
  const ms = performance.now() - started;
  const peakBytes = Math.max(0, process.resourceUsage().maxRSS * 1024 - before);
  const codes = outcome.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  const measured: Measured = { name: input.name, ms, peakBytes, expected: expectedOutcome(input, codes, outcome.output !== undefined), codes: [...new Set(codes)] };
  process.send!(measured, undefined, undefined, () => process.exit(0));
}

function measure(index: number, path: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', String(index), path], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let result: Measured | undefined;
    proc.on('message', (message: Measured) => (result = message));
    proc.on('exit', (code) => (result ? resolve(result) : reject(new Error(`hostile input ${corpus[index]!.name}: child exited with ${code}`))));
  });
}

async function parent(): Promise<PartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'converge-hostile-'));
  const results: Measured[] = [];
  try {
    for (const [index, input] of corpus.entries()) {
      const prepared = await prepare(input);
      const path = join(dir, `${index}.input`);
      writeFileSync(path, Buffer.isBuffer(prepared) ? prepared : JSON.stringify([...prepared]));
      results.push(await measure(index, path));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
  const largest = results.reduce((a, b) => (b.peakBytes > a.peakBytes ? b : a));
  const wrong = results.filter((r) => !r.expected);
  const wrongNote = wrong.length > 0 ? `unexpected outcome for: ${wrong.map((w) => `${w.name} (${w.codes.join(', ') || 'no error'})`).join('; ')}` : undefined;
  const rows: Row[] = [
    {
      id: 'hostile.time',
      section: SECTION,
      measure: `Worst-case time over ${results.length} hostile inputs (unpack + load + plan + render)`,
      value: Math.round(slowest.ms),
      unit: 'ms',
      display: `${fmt.ms(slowest.ms)} (${slowest.name})`,
      target: '< 1 s',
      status: wrong.length > 0 ? 'miss' : check(slowest.ms, '<', TIME_TARGET_MS),
      ...(wrongNote ? { note: wrongNote } : {}),
    },
    {
      id: 'hostile.memory',
      section: SECTION,
      measure: `Worst-case peak memory over ${results.length} hostile inputs`,
      value: Math.round(largest.peakBytes / 1024 / 1024),
      unit: 'MiB',
      display: `${fmt.mib(largest.peakBytes)} above the process's RSS before the run (${largest.name})`,
      target: '< 256 MiB',
      status: wrong.length > 0 ? 'miss' : check(largest.peakBytes, '<', MEMORY_TARGET),
      ...(wrongNote ? { note: wrongNote } : {}),
    },
  ];
  const each = results.map((r) => `${r.name} ${fmt.ms(r.ms)} / ${fmt.mib(r.peakBytes)}`).join('; ');
  return { rows, notes: [`Hostile inputs (time / peak RSS rise, each in a fresh process): ${each}.`] };
}

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) {
  void child(Number(process.argv[childAt + 1]), process.argv[childAt + 2]!);
} else {
  // The corpus is the same at every size: hostile input is about shape, not scale.
  runPart(async () => parent());
}
