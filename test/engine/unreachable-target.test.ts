import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { Registry } from '../../src/core/registry.js';
import { resourceKey } from '../../src/core/resource.js';
import { runPlan } from '../../src/engine/run.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { postgresProvider } from '../../src/providers/postgres/index.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';

// Nothing listens on port 1: connecting is refused at once.
const env = { PG_UNREACHABLE_URL: 'postgres://postgres:s3cret-pw@127.0.0.1:1/x' };

const files = (config: string, docs: Record<string, string>) => new Map([['converge.yml', config], ...Object.entries(docs)]);

async function fullRun(config: string, docs: Record<string, string>) {
  const memory = new MemoryTarget();
  memory.state.set('mem.widget/drifted', { kind: 'mem.widget', target: 'default', name: 'drifted', spec: { size: 1 } });
  const registry = new Registry<ProviderDeps>([postgresProvider, memoryProvider(memory) as never]);
  const head = loadModel(files(config, docs), registry);
  expect(head.diagnostics).toEqual([]);
  // As the worker's full-run job calls it.
  const run = await runPlan({ registry, head, changed: 'all', full: true, deps: { env, log: pino({ level: 'silent' }) } });
  await run.sessions.closeAll();
  return { run, head };
}

const resources = {
  'db/roles.yml': 'kind: postgres.role\nname: app\nspec: { login: true }\n---\nkind: postgres.role-membership\nname: app/reader\nspec: {}\n',
  'mem/widgets.yml': 'kind: mem.widget\nname: drifted\nspec: { size: 2 }\n---\nkind: mem.widget\nname: fresh\nspec: { size: 3 }\n',
};

describe('full run with an unreachable PostgreSQL target', () => {
  for (const [label, config] of [
    ['single target', 'providers:\n  mem: {}\n  postgres: { connectionFromEnv: PG_UNREACHABLE_URL }\n'],
    ['named targets, one scoped kind', 'providers:\n  mem: {}\n  postgres:\n    targets:\n      main: { connectionFromEnv: PG_UNREACHABLE_URL }\nscope:\n  postgres.database: { include: ["app*"] }\n'],
  ] as const) {
    it(`plans nothing for its resources and reports each as a retryable connection failure (${label})`, async () => {
      const { run, head } = await fullRun(config, resources);
      const postgres = head.resources.filter((r) => r.kind.startsWith('postgres.'));
      expect(postgres).toHaveLength(2);

      expect(run.plan.changes.filter((c) => c.kind.startsWith('postgres.'))).toEqual([]);
      for (const resource of postgres) {
        const failure = run.plan.readFailures.find((f) => resourceKey(f) === resourceKey(resource));
        expect(failure, resourceKey(resource)).toMatchObject({ code: 'connection', retryable: true });
      }
      for (const failure of run.plan.readFailures) {
        expect(failure).toMatchObject({ code: 'connection', retryable: true });
        // What a check run shows: never the connection string, its password, host or port.
        expect(failure.message).not.toMatch(/s3cret|127\.0\.0\.1|:1\b|postgres:\/\//);
      }

      // The memory target in the same model plans as it would alone.
      const memory = run.plan.changes.filter((c) => c.kind.startsWith('mem.')).map((c) => [c.action, c.name, c.fields]);
      expect(memory).toEqual([
        ['update', 'drifted', [{ path: 'size', before: 1, after: 2 }]],
        ['create', 'fresh', [{ path: 'size', before: undefined, after: 3 }]],
      ]);
    });
  }
});
