/**
 * `npm run bench`: every measurement side by side, one table, also written as JSON to
 * bench/results/latest.json. Each part runs in its own Node process with a time limit.
 *
 *   npm run bench                 # the sizes (a few minutes)
 *   npm run bench -- --smoke      # tiny sizes, seconds (or BENCH_SIZE=smoke)
 *   npm run bench -- --readme     # also put the table into README.md between the bench markers
 *   npm run bench -- --only engine,queue
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PartMessage } from './support/child.js';
import { markdownReport, markdownTable, missesAndNotes, replaceReadmeRegion, reportJson, type Report } from './support/report.js';
import { SIZES, type BenchSize, type PartResult, type Row } from './support/rows.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

interface Part {
  name: string;
  file: string;
  /** Time limit per size. */
  limitMs: Record<BenchSize['name'], number>;
  execArgv?: string[];
  /** Rows to show if the part dies before telling anything. */
  section: string;
}

const PARTS: Part[] = [
  { name: 'github', file: 'parts/github-cost.ts', limitMs: { smoke: 60_000, full: 900_000 }, section: '1. Delta convergence' },
  { name: 'engine', file: 'parts/engine.ts', limitMs: { smoke: 60_000, full: 120_000 }, execArgv: ['--expose-gc'], section: '3. Engine throughput' },
  { name: 'webhooks', file: 'parts/webhooks.ts', limitMs: { smoke: 30_000, full: 120_000 }, section: '4. Webhook handling' },
  { name: 'queue', file: 'parts/queue.ts', limitMs: { smoke: 30_000, full: 120_000 }, section: '5. Queue throughput' },
  { name: 'hostile', file: 'parts/hostile.ts', limitMs: { smoke: 120_000, full: 120_000 }, section: '6. Hostile input' },
  // 1,000 writes per endpoint at GitHub's 180 a minute take about 5.6 minutes.
  { name: 'events', file: 'parts/drift-events.ts', limitMs: { smoke: 120_000, full: 180_000 }, section: '8. Drift from events' },
  { name: 'writes', file: 'parts/write-pace.ts', limitMs: { smoke: 60_000, full: 900_000 }, section: '7. Write pacing' },
];

function runChild(part: Part, size: BenchSize): Promise<PartResult> {
  const limit = part.limitMs[size.name];
  return new Promise((resolve) => {
    const started = Date.now();
    let partial: PartResult | undefined;
    let final: PartResult | undefined;
    let stderr = '';
    const child = fork(join(here, part.file), [JSON.stringify(size), String(limit)], {
      execArgv: ['--import', 'tsx', ...(part.execArgv ?? [])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: root,
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('message', (message: PartMessage) => {
      if (message.final) final = message.result;
      else partial = message.result;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), limit);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (final) return resolve(final);
      const seconds = Math.round((Date.now() - started) / 1000);
      const why = signal === 'SIGKILL' ? `stopped at its ${limit / 1000} s time limit` : `exited with ${code ?? signal}`;
      const lastError = stderr.trim().split('\n').slice(0, 3).join(' ').slice(0, 400);
      if (partial) return resolve({ rows: partial.rows, notes: [...partial.notes, `Part "${part.name}" ${why} after ${seconds} s.`] });
      resolve({
        rows: [{ id: `${part.name}.failed`, section: part.section, measure: `Part "${part.name}"`, value: null, unit: '', display: `did not finish: ${why}`, target: '—', status: 'miss', note: lastError || undefined } as Row],
        notes: [],
      });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizeName = args.includes('--smoke') || process.env.BENCH_SIZE === 'smoke' ? 'smoke' : 'full';
  const size = SIZES[sizeName];
  const only = args.find((a) => a.startsWith('--only'))?.split('=')[1] ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const selected = only ? PARTS.filter((p) => only.split(',').includes(p.name)) : PARTS;

  const rows: Row[] = [];
  const notes: string[] = [];
  for (const part of selected) {
    const started = Date.now();
    process.stderr.write(`bench: ${part.name} (${sizeName})…`);
    const result = await runChild(part, size);
    process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    rows.push(...result.rows);
    notes.push(...result.notes);
  }
  rows.sort((a, b) => a.section.localeCompare(b.section, 'en', { numeric: true }));

  const cpu = cpus();
  const report: Report = {
    command: sizeName === 'smoke' ? 'npm run bench -- --smoke' : 'npm run bench',
    size: sizeName,
    environment: {
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 1024 ** 3),
    },
    measuredAt: new Date().toISOString(),
    rows,
    notes,
  };

  console.log(`\n${markdownTable(rows)}\n`);
  const tail = missesAndNotes(report);
  if (tail) console.log(`${tail}\n`);

  const results = join(here, 'results');
  mkdirSync(results, { recursive: true });
  const jsonPath = join(results, only ? 'partial.json' : sizeName === 'smoke' ? 'smoke.json' : 'latest.json');
  writeFileSync(jsonPath, reportJson(report));
  console.log(`Written: ${jsonPath.slice(root.length + 1)}`);

  if (args.includes('--readme')) {
    const readmePath = join(root, 'README.md');
    writeFileSync(readmePath, replaceReadmeRegion(readFileSync(readmePath, 'utf8'), markdownReport(report)));
    console.log('Written: README.md (bench region)');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
