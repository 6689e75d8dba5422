import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPS_PATHS } from '../../src/ops/index.js';
import { readEnv } from '../../src/env/app-env.js';

/**
 * There is no Docker engine on this machine, so neither the image nor compose can be run
 * here (README, "Running in production"). These tests hold the two files to what they
 * promise; test/image/build.test.ts runs the compiled entry point the image runs.
 */
interface Service {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  command?: string[];
  environment?: Record<string, string>;
  expose?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const dockerfile = readFileSync('Dockerfile', 'utf8');
// Instructions with their arguments, continuation lines joined, comments dropped.
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [op = '', ...rest] = l.split(/\s+/);
    return { op: op.toUpperCase(), args: rest.join(' ') };
  });
const stages = instructions.reduce<Array<typeof instructions>>((all, i) => (i.op === 'FROM' ? [...all, [i]] : (all.at(-1)?.push(i), all)), []);
const runtime = stages.at(-1)!;
const dockerignore = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('builds on the current Node.js LTS line in every stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]!.args).toMatch(/^node:24(-slim)?(\s|$)/);
  });

  it('compiles in a build stage and ships only production dependencies and dist/', () => {
    const build = stages[0]!;
    expect(build.map((i) => i.args)).toEqual(expect.arrayContaining(['npm ci --no-audit --no-fund', 'npm run build']));
    const runs = runtime.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
    expect(runs).toContain('npm ci --omit=dev');
    expect(runs).not.toContain('npm run build');
    expect(runtime.filter((i) => i.op === 'COPY').map((i) => i.args)).toEqual(expect.arrayContaining(['--from=build /app/dist ./dist', 'app.yml ./']));
    // No source tree and no tsx at run time.
    expect(runtime.some((i) => i.op === 'COPY' && /^(\.|src)\s/.test(i.args))).toBe(false);
  });

  it('runs the compiled entry point as the unprivileged node user', () => {
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).toBe('node');
    const cmd = runtime.filter((i) => i.op === 'CMD').at(-1)!;
    expect(JSON.parse(cmd.args)).toEqual(['node', 'dist/bin/start.js']);
    // USER comes before CMD: nothing runs as root after the build.
    expect(runtime.indexOf(user!)).toBeLessThan(runtime.indexOf(cmd));
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, dependencies, build output, history and test artifacts out of the image', () => {
    for (const entry of ['.env', '*.pem', '*.key', 'node_modules', 'dist', '.git', 'coverage', 'test', 'bench']) expect(dockerignore).toContain(entry);
    // The documented template is harmless and useful; everything else named .env.* is not.
    expect(dockerignore).toContain('.env.*');
  });
});

describe('docker-compose.yml', () => {
  it('starts every service from an image the build produces (or a published one)', () => {
    const built = services.web!;
    expect(built.build).toBe('.');
    expect(built.image).toBe('converge:local');
    for (const [name, service] of Object.entries(services)) {
      if (name === 'redis') expect(service.image).toMatch(/^redis:\d/);
      else {
        expect(service.image, name).toBe('converge:local');
        // Not in any registry: a service without build must not try to pull it.
        if (!service.build) expect(service.pull_policy, name).toBe('never');
      }
    }
  });

  it('runs Redis for BullMQ (noeviction, AOF) with a healthcheck the app waits on', () => {
    const redis = services.redis!;
    expect(redis.command?.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.restart, name).toBe('unless-stopped');
      if (name !== 'redis') expect(service.depends_on, name).toEqual({ redis: { condition: 'service_healthy' } });
    }
  });

  it('runs the compiled web and worker roles, with the worker’s ops port on the compose network', () => {
    expect(services.web!.command).toEqual(['node', 'dist/bin/start.js', 'web']);
    expect(services.worker!.command).toEqual(['node', 'dist/bin/start.js', 'worker']);
    const opsPort = services.worker!.environment?.CONVERGE_WORKER_OPS_PORT;
    expect(readEnv({ CONVERGE_WORKER_OPS_PORT: opsPort }).CONVERGE_WORKER_OPS_PORT).toBe(Number(opsPort));
    expect(services.worker!.expose).toEqual([opsPort]);
    // Scaled workers would clash on a published host port.
    expect(services.worker!.ports).toBeUndefined();
  });

  it('probes liveness on the paths and ports the processes serve', () => {
    const probe = (name: string) => services[name]!.healthcheck!.test.join(' ').match(/http:\/\/127\.0\.0\.1:(\d+)(\/\w+)/);
    const web = probe('web');
    expect(web?.[1]).toBe(services.web!.environment?.PORT);
    const worker = probe('worker');
    expect(worker?.[1]).toBe(services.worker!.environment?.CONVERGE_WORKER_OPS_PORT);
    for (const match of [web, worker]) expect(OPS_PATHS).toContain(match?.[2]);
  });
});
