/**
 * The shipped processes as users start them: `npm start`, `npm run start:web`,
 * `npm run start:worker`, `npm run full-run -- owner/repo`. Each runs in its own process
 * group (so a signal reaches npm, tsx and node alike) with Probot's standard environment;
 * its JSON log lines are collected for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Variables of the test runner's own environment that must not leak into the app. */
const PRIVATE = /^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|WEBHOOK_PROXY_URL|GHE_HOST|GHE_PROTOCOL|REDIS_URL|PORT|HOST|LOG_.*|CONVERGE_.*|NODE_OPTIONS|VITEST.*|npm_.*)$/;

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export class ShippedProcess {
  readonly lines: LogLine[] = [];
  /** Everything printed, JSON or not (a non-JSON line in the JSON stream is a bug to see). */
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    command: string[],
    env: Record<string, string>,
    /** The web port (PORT) and the worker's ops port (CONVERGE_WORKER_OPS_PORT) it was given. */
    readonly ports: { web: number; ops: number } = { web: 0, ops: 0 },
  ) {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !PRIVATE.test(k))) as Record<string, string>;
    this.child = spawn(command[0]!, command.slice(1), {
      env: { ...base, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output += text;
      buffered += text;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('{')) {
          try {
            this.lines.push(JSON.parse(line) as LogLine);
          } catch {
            // kept in `output`
          }
        }
      }
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Signals the whole process group (npm → sh → tsx → node), as a terminal or an orchestrator would. */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Signals the app's own node process only (its pid is in every log line), as `docker stop`
   * signals PID 1; npm and tsx then exit with its exit code.
   */
  signalApp(signal: NodeJS.Signals): void {
    const pid = this.lines.find((l) => typeof l.pid === 'number')?.pid as number | undefined;
    if (pid === undefined) throw new Error(`${this.name}: no log line carries the app's pid yet`);
    process.kill(pid, signal);
  }

  async waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs = 60_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`${this.name}: no log line "${what}" (exit ${this.child.exitCode}); output:\n${this.output.slice(-4000)}`);
      }
      await sleep(50);
    }
  }

  /** SIGTERM and wait for the exit code; SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export function npmRun(name: string, script: string, args: string[], env: Record<string, string>, ports?: { web: number; ops: number }): ShippedProcess {
  const command = script === 'start' ? ['npm', 'start'] : ['npm', 'run', '--silent', script, ...(args.length ? ['--', ...args] : [])];
  return new ShippedProcess(name, command, env, ports);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
