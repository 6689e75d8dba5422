import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import { ConvergeError } from '../core/errors.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { planCommand } from './commands/plan.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, UsageError } from './exit.js';
import type { CliIO } from './report.js';

type Env = Readonly<Record<string, string | undefined>>;

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

const ONLY = /^[a-z]+\.[a-z-]+(@[^/]+)?\/.+$/;
function onlyPattern(value: string, previous: string[] = []): string[] {
  for (const pattern of collect(value)) {
    if (!ONLY.test(pattern)) throw new InvalidArgumentError(`"${pattern}" is not kind/name (for example github.repository/api or "github.label/api/*").`);
  }
  return collect(value, previous);
}

/** The CLI's logger: warnings and errors only, on stderr, so stdout stays the command's output. */
function cliLogger(env: Env): Logger {
  return pino({ level: env.LOG_LEVEL || 'warn', name: 'converge' }, pino.destination(2));
}

/**
 * `converge`: the config repo on a workstation or in CI. Every command has `--help`; exit
 * codes are 0 clean, 1 findings (diagnostics, planned changes), 2 usage or environment.
 */
export function cliProgram(io: CliIO, env: Env, setExit: (code: number) => void): Command {
  const program = new Command('converge')
    .description('Converge on the command line: validate, plan, import and export a config repo.')
    .version((createRequire(import.meta.url)('../../package.json') as { version: string }).version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('validate')
    .description('Check a config repo offline, with no credentials, and print every problem as file:line:col (for pre-commit hooks and CI).')
    .argument('[dir]', 'the config repo folder', '.')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const))
    .action(async (dir, options) => setExit(await validateCommand(dir, options, io)));

  program
    .command('plan')
    .description('Show what converging this config repo would change in the live targets. Read-only.')
    .argument('[dir]', 'the config repo folder', '.')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown'] as const).default('text' as const))
    .option('--only <kind/name...>', 'plan only these resources (glob patterns, repeatable or comma-separated)', onlyPattern)
    .option('--base <git-ref>', 'plan only what the working copy changed since this ref, as a PR into it would')
    .option('--full', 'also report live resources in scope that the config repo does not declare (as a full run)')
    .option('--org <org>', "the config repo's org (default: GITHUB_REPOSITORY's owner, then the origin remote's)")
    .addHelpText('after', '\nCredentials: GITHUB_TOKEN (a token that can read the org), or APP_ID and PRIVATE_KEY of the installed app.\nPostgreSQL targets read the connection variables converge.yml names.')
    .action(async (dir, options) => setExit(await planCommand(dir, { ...options, full: options.full === true }, io, env, cliLogger(env))));

  program
    .command('import')
    .description('Write a config repo from the live state of an org (and PostgreSQL targets); it plans empty against them.')
    .option('--org <org>', 'the GitHub org to import')
    .option('--kinds <kinds...>', 'only these kinds (repeatable or comma-separated), e.g. github.repository,github.label', collect)
    .option('--target <name=ENV_VAR...>', 'a PostgreSQL target to import, named as in converge.yml, with the variable holding its connection string', collect)
    .option('--out <dir>', 'the folder to write (created; must be empty unless --force)', 'converge-config')
    .option('--force', 'write into a folder that already has files (files with the same path are replaced)')
    .addHelpText('after', '\nCredentials: as for plan. Secrets are never written; variables are written with their values.')
    .action(async (options) => setExit(await importCommand({ ...options, force: options.force === true }, io, env, cliLogger(env))));

  program
    .command('export')
    .description('Print the effective model (defaults merged into every resource) as JSON.')
    .argument('[dir]', 'the config repo folder', '.')
    .action(async (dir) => setExit(await exportCommand(dir, io)));

  return program;
}

/** Run the CLI; resolves to the exit code, never throws. */
export async function runCli(argv: readonly string[], io: CliIO, env: Env): Promise<number> {
  let code: number = EXIT.clean;
  const program = cliProgram(io, env, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.clean : EXIT.usage;
    if (error instanceof UsageError || error instanceof ConvergeError) {
      io.err(`converge: ${error.message}`);
      return EXIT.usage;
    }
    io.err(`converge: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.usage;
  }
}
