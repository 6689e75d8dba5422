/**
 * Runs one hostile input the way the plan job does: unpack the tarball (when the input is
 * one), loadModel, and when the model is valid plan it against empty targets (every resource a
 * create) and render the check run. Shared by the tests here and bench/parts/hostile.ts.
 */
import { pino } from 'pino';
import { loadModel, type ConfigFiles } from '../../src/config/load.js';
import { hasErrors, type Diagnostic } from '../../src/core/diagnostics.js';
import type { Provider, ProviderSession } from '../../src/core/provider.js';
import { Registry } from '../../src/core/registry.js';
import { renderPlan } from '../../src/github-app/render/index.js';
import type { CheckOutput } from '../../src/github-app/render/types.js';
import { runPlan } from '../../src/engine/run.js';
import { unpackSnapshot } from '../../src/github-app/snapshot.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { githubProvider } from '../../src/providers/github/index.js';
import { postgresProvider } from '../../src/providers/postgres/index.js';
import type { HostileInput } from './corpus.js';

const empty: ProviderSession = {
  read: async (refs) => refs.map((ref) => ({ ref })),
  readAll: async () => ({ resources: [], failures: [] }),
  apply: async () => undefined,
  close: async () => undefined,
};

/** The shipped providers' kinds and settings, connected to targets that hold nothing. */
export const hostileRegistry = new Registry<ProviderDeps>(
  [githubProvider, postgresProvider].map((p): Provider<any, ProviderDeps> => ({ ...p, connect: async () => empty })),
);

const deps: ProviderDeps = { env: {}, log: pino({ level: 'silent' }) };

export interface HostileOutcome {
  diagnostics: Diagnostic[];
  files: ConfigFiles;
  output?: CheckOutput;
}

export async function prepare(input: HostileInput): Promise<ConfigFiles | Buffer> {
  return input.tarball ? input.tarball() : input.files!();
}

export async function runHostile(prepared: ConfigFiles | Buffer): Promise<HostileOutcome> {
  const files = Buffer.isBuffer(prepared) ? await unpackSnapshot(prepared) : prepared;
  const model = loadModel(files, hostileRegistry);
  if (hasErrors(model.diagnostics)) return { diagnostics: model.diagnostics, files };
  const run = await runPlan({ registry: hostileRegistry, head: model, changed: 'all', deps });
  try {
    const output = renderPlan({ plan: run.plan, policy: run.policy, context: { description: 'Hostile input.' } });
    return { diagnostics: run.plan.diagnostics, files, output };
  } finally {
    await run.sessions.closeAll();
  }
}
