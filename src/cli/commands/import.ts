import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { resourceKey } from '../../core/resource.js';
import { importLive } from '../../importer/index.js';
import type { ProviderDeps } from '../../providers/deps.js';
import { createRegistry } from '../../providers/index.js';
import { EXIT, UsageError } from '../exit.js';
import { cliGitHub } from '../github.js';
import type { CliIO } from '../report.js';

export interface ImportOptions {
  org?: string;
  kinds?: string[];
  /** PostgreSQL targets as `name=ENV_VAR`. */
  target?: string[];
  out: string;
  force: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function postgresTargets(specs: readonly string[]): Record<string, { connectionFromEnv: string }> {
  const targets: Record<string, { connectionFromEnv: string }> = {};
  for (const spec of specs) {
    const match = /^([A-Za-z0-9_-]+)=([A-Z_][A-Z0-9_]*)$/.exec(spec);
    if (!match) throw new UsageError(`--target ${spec}: give name=ENV_VAR, e.g. --target analytics=PG_ANALYTICS_URL (the variable holds the connection string).`);
    targets[match[1]!] = { connectionFromEnv: match[2]! };
  }
  return targets;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  return entries.length === 0;
}

/**
 * `converge import`: read the live state in bulk and write a config repo that plans empty
 * against it. Nothing is written unless every read succeeded: a resource that could not be
 * read would otherwise be missing from the files, and a later plan would create or prune it.
 */
export async function importCommand(options: ImportOptions, io: CliIO, env: Env, log: Logger): Promise<number> {
  const providers: Record<string, unknown> = {};
  const deps: ProviderDeps = { env, log };
  if (options.target?.length) providers.postgres = { targets: postgresTargets(options.target) };
  if (options.org) {
    const github = await cliGitHub(options.org, env, log);
    io.err(`Reading ${options.org} as ${github.as}, read-only.`);
    providers.github = {};
    deps.github = { client: github.client, owner: options.org };
  }
  if (Object.keys(providers).length === 0) throw new UsageError('Nothing to import: give --org <org>, --target <name=ENV_VAR> for PostgreSQL, or both.');
  if (!options.force && !(await isEmptyDir(options.out))) throw new UsageError(`${options.out} is not empty: give an empty or new folder, or --force to write into it.`);

  const registry = createRegistry();
  const known = new Set(registry.kinds().map((k) => k.kind));
  const unknown = (options.kinds ?? []).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new UsageError(`--kinds: no kind ${unknown.join(', ')}; the kinds are ${[...known].join(', ')}.`);

  const started = Date.now();
  const result = await importLive({
    registry,
    providers,
    deps,
    ...(options.kinds ? { kinds: options.kinds } : {}),
    onProgress: (p) => io.err(`  read ${p.resources} ${p.kind}${p.target === 'default' ? '' : `@${p.target}`} (${((Date.now() - started) / 1000).toFixed(1)} s)`),
  });
  if (result.failures.length > 0) {
    for (const failure of result.failures) io.err(`${resourceKey(failure)}: could not be read (${failure.code}): ${failure.message}`);
    io.err(`Nothing written: ${result.failures.length} read${result.failures.length === 1 ? '' : 's'} failed, and a config repo missing what could not be read would plan it as new or extraneous.`);
    return EXIT.findings;
  }
  for (const [path, text] of result.files) {
    const file = join(options.out, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  io.err(`Wrote ${result.files.size} files (${result.resources} resources) to ${options.out}. Check it with: converge plan ${options.out}`);
  return EXIT.clean;
}
