/**
 * Part 3: the engine alone at scale. YAML for N repository files is generated in memory, then
 * parse + validate (loadModel), read + diff (runPlan for a full run, against a synthetic
 * in-memory github session that answers readAll from a prepared list) and render (renderPlan).
 * The real github kinds are used, so validation runs the real zod schemas. Run with
 * --expose-gc so the baseline is measured after a collection.
 *
 * Before the measured run, a probe runs the same stages at 5% and 10% of the size: how each
 * stage grows with the input says why a slow stage is slow (n^1 is volume, n^2 is a bug).
 */
import { pino } from 'pino';
import { loadModel } from '../../src/config/load.js';
import { hasErrors } from '../../src/core/diagnostics.js';
import type { Provider, ProviderSession } from '../../src/core/provider.js';
import { Registry } from '../../src/core/registry.js';
import { renderPlan } from '../../src/github-app/render/index.js';
import { resourceKey } from '../../src/core/resource.js';
import { runPlan } from '../../src/engine/run.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { githubKinds, GitHubSettings } from '../../src/providers/github/index.js';
import { runPart, type PartContext } from '../support/child.js';
import { configFiles, hasBranchProtection, liveResources, resourcesPerRepo } from '../support/model.js';
import { check, fmt, type BenchSize, type PartResult, type Row } from '../support/rows.js';

const GiB = 1024 ** 3;
const SECTION = '3. Engine throughput';
const STAGES = ['parse + validate', 'read + diff', 'render'] as const;
type StageName = (typeof STAGES)[number];

const protection = hasBranchProtection(githubKinds);
const perRepo = resourcesPerRepo(protection);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The inputs for `repositories` files: YAML text, live state, and a registry whose github provider serves that state. */
function inputs(repositories: number) {
  const files = configFiles(repositories, protection);
  const live = liveResources(repositories, protection, 100);
  const byKey = new Map(live.map((r) => [resourceKey(r), r]));
  const session: ProviderSession = {
    read: async (refs) => refs.map((ref) => ({ ref, ...(byKey.has(resourceKey(ref)) ? { actual: byKey.get(resourceKey(ref))! } : {}) })),
    readAll: async (kinds) => ({ resources: live.filter((r) => kinds.includes(r.kind)), failures: [] }),
    apply: async () => undefined,
    close: async () => undefined,
  };
  const provider: Provider<GitHubSettings, ProviderDeps> = { name: 'github', kinds: [...githubKinds], targetSettings: GitHubSettings, connect: async () => session };
  const registry = new Registry<ProviderDeps>([provider]);
  const deps: ProviderDeps = { env: {}, log: pino({ level: 'silent' }) };
  return { files, registry, deps, bytes: [...files.values()].reduce((n, text) => n + Buffer.byteLength(text), 0) };
}

/** Runs the three stages, calling `before` ahead of each; returns the model, plan, output and CPU per stage. */
async function pipeline(input: ReturnType<typeof inputs>, before: (stage: StageName, done: Map<StageName, number>) => void = () => undefined) {
  const done = new Map<StageName, number>();
  const timed = async <T>(stage: StageName, run: () => T | Promise<T>): Promise<T> => {
    before(stage, done);
    const start = cpuMs();
    const result = await run();
    done.set(stage, cpuMs() - start);
    return result;
  };
  const model = await timed('parse + validate', () => loadModel(input.files, input.registry));
  const run = await timed('read + diff', () => runPlan({ registry: input.registry, head: model, changed: 'all', full: true, deps: input.deps }));
  const output = await timed('render', () => renderPlan({ plan: run.plan, policy: run.policy, context: { description: 'Full run.', subject: 'commit' } }));
  return { model, run, output, cpu: done };
}

runPart(async (size: BenchSize, part: PartContext): Promise<PartResult> => {
  const repositories = Math.ceil(size.engineResources / perRepo);
  const resources = repositories * perRepo;
  const measure = `Parse + validate + diff + render, ${fmt.int(resources)} resources`;

  // How each stage grows: 5% → 10% of the size, after a warm-up pass (JIT) at 5%.
  const small = Math.round(repositories / 20);
  const probes: Array<{ resources: number; cpu: Map<StageName, number> }> = [];
  if (small * perRepo >= 1_000) {
    await pipeline(inputs(small));
    for (const n of [small, small * 2]) probes.push({ resources: n * perRepo, cpu: (await pipeline(inputs(n))).cpu });
  }
  const growth = STAGES.map((stage) => {
    if (probes.length < 2) return { stage, exponent: Number.NaN };
    const [a, b] = probes.map((p) => p.cpu.get(stage) ?? 0);
    const exponent = Math.log(Math.max(b!, 0.01) / Math.max(a!, 0.01)) / Math.log(2);
    return { stage, exponent };
  });
  const growthOf = (stage: StageName) => growth.find((g) => g.stage === stage)!;
  const growthNote =
    probes.length < 2
      ? 'Too small a size to probe how the stages grow.'
      : `Growth from ${fmt.int(probes[0]!.resources)} to ${fmt.int(probes[1]!.resources)} resources (CPU): ` +
        STAGES.map((stage) => `${stage} ${fmt.ms(probes[0]!.cpu.get(stage) ?? 0)} → ${fmt.ms(probes[1]!.cpu.get(stage) ?? 0)} (~n^${growthOf(stage).exponent.toFixed(1)})`).join(', ') +
        '.';

  const input = inputs(repositories);
  const inputNote = `Engine input: ${fmt.int(repositories)} files (1 repository, 9 labels${protection ? ', 1 branch protection' : ''} each): ${fmt.int(resources)} resources, ${fmt.mib(input.bytes)} of YAML generated in memory; 1 repository in 100 drifted.`;

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage();
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  const split = (done: Map<StageName, number>) => [...done].map(([stage, ms]) => `${stage} ${fmt.ms(ms)}`).join(' · ');

  const memoryRow = (finishedStages: StageName[], finished: boolean): Row => ({
    id: 'engine.memory',
    section: SECTION,
    measure: `${measure}: peak memory`,
    value: Math.round(maxRss() / 1024 / 1024),
    unit: 'MiB',
    display: finished
      ? `${fmt.mib(maxRss())} peak RSS (${fmt.mib(baseline.rss)} before the run, with the generated input and the probes' leftovers; heap ${fmt.mib(baseline.heapUsed)} before)`
      : `at least ${fmt.mib(maxRss())} peak RSS (after ${finishedStages.join(', ') || 'generating the input'}; the run did not finish)`,
    target: '< 1 GiB',
    status: finished || maxRss() >= GiB ? check(maxRss(), '<', GiB) : 'info',
  });

  const wallStart = performance.now();
  const result = await pipeline(input, (stage, done) => {
    // If this stage never ends, the parent stops the process and keeps this report.
    const slow = growthOf(stage);
    part.progress({
      notes: [inputNote, growthNote],
      rows: [
        {
          id: 'engine.cpu',
          section: SECTION,
          measure: `${measure}: CPU time`,
          value: null,
          unit: 'ms',
          display: `did not finish: ${done.size > 0 ? `${split(done)} CPU, then ` : ''}${stage} was still running ${fmt.int(part.timeLimitMs / 1000 - process.uptime())} s later, when the part's ${fmt.int(part.timeLimitMs / 1000)} s limit stopped it`,
          target: '< 3 s',
          status: 'miss',
          note: Number.isNaN(slow.exponent)
            ? `Stopped in ${stage}.`
            : `Stopped in ${stage}, which took ${fmt.ms(probes[1]!.cpu.get(stage) ?? 0)} at ${fmt.int(probes[1]!.resources)} resources (growing as ~n^${slow.exponent.toFixed(1)} from ${fmt.int(probes[0]!.resources)}): it grows much faster than the input somewhere past that size.`,
        },
        memoryRow([...done.keys()], false),
      ],
    });
  });
  const wallMs = performance.now() - wallStart;

  const totalCpu = [...result.cpu.values()].reduce((n, ms) => n + ms, 0);
  const changed = result.run.plan.changes.filter((c) => c.action !== 'noop').length;
  const notes = [`${inputNote} ${fmt.int(changed)} changes planned; check-run output ${fmt.int(Buffer.byteLength(result.output.summary) + Buffer.byteLength(result.output.text))} bytes.`, growthNote];
  if (hasErrors(result.model.diagnostics) || result.model.resources.length !== resources) {
    notes.push(`The engine model is not what was generated: ${result.model.resources.length} resources, ${result.model.diagnostics.length} diagnostics (first: ${result.model.diagnostics[0]?.message ?? 'none'}).`);
  }
  const slowest = [...result.cpu].sort((a, b) => b[1] - a[1])[0]!;
  return {
    notes,
    rows: [
      {
        id: 'engine.cpu',
        section: SECTION,
        measure: `${measure}: CPU time`,
        value: Math.round(totalCpu),
        unit: 'ms',
        display: `${fmt.ms(totalCpu)} CPU, ${fmt.ms(wallMs)} wall (${split(result.cpu)})`,
        target: '< 3 s',
        status: check(totalCpu, '<', 3000),
        ...(totalCpu >= 3000 ? { note: `Most of it is ${slowest[0]} (${fmt.ms(slowest[1])}), which grows as ~n^${growthOf(slowest[0]).exponent.toFixed(1)}.` } : {}),
      },
      memoryRow([...result.cpu.keys()], true),
    ],
  };
});
