import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The image runs `node dist/bin/start.js` from /app holding dist/, app.yml, package.json and
 * the production node_modules (Dockerfile). This builds dist/ with `npm run build` and lays it
 * out the same way: a directory with dist/, app.yml and package.json, below the repository's
 * node_modules so that Node resolves the dependencies from there, as it does in the image.
 */
const ROOT = resolve('.');
let app = '';

function exec(command: string, args: string[], cwd: string) {
  return new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(command, args, { cwd, env: process.env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => done({ code, output }));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

beforeAll(async () => {
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  app = mkdtempSync(join(ROOT, 'node_modules/.cache/converge-image-'));
  // Exactly the Dockerfile's build step, into this directory's dist/ instead of the repo's.
  const build = await exec('npm', ['run', 'build', '--', '--outDir', join(app, 'dist')], ROOT);
  expect(build.code, build.output).toBe(0);
  for (const file of ['app.yml', 'package.json']) copyFileSync(join(ROOT, file), join(app, file));
}, 180_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('compiles src/ alone into dist/, entry points included', () => {
    expect(readdirSync(join(app, 'dist')).sort()).toEqual(readdirSync(join(ROOT, 'src')).sort());
    expect(existsSync(join(app, 'dist/bin/start.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/bin/full-run.js'))).toBe(true);
  });

  it('runs with plain node: without credentials it serves Probot’s registration page', async () => {
    const port = await freePort();
    // Nothing from this machine's environment may turn it into a registered app, and the
    // setup page must not reach for smee.io.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|WEBHOOK_PROXY_URL|GHE_HOST|GH_ORG|NODE_ENV)$/.test(k)),
    );
    const child = spawn(process.execPath, ['dist/bin/start.js'], {
      cwd: app,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', NO_SMEE_SETUP: 'true', LOG_FORMAT: 'json' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      let page = '';
      for (let i = 0; i < 150 && !page && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 200));
        page = await fetch(`http://127.0.0.1:${port}/probot`).then((r) => (r.ok ? r.text() : ''), () => '');
      }
      expect(page, output).toContain('Register GitHub App');
      // The manifest GitHub receives comes from app.yml in the working directory, and its
      // webhook URL is where the page was opened, not a fixed address written in app.yml.
      const manifest = JSON.parse(page.match(/name="manifest" id="manifest" value='([^']*)'/)?.[1] ?? '{}') as Record<string, unknown>;
      expect(manifest).toMatchObject({ name: 'Converge', public: false, hook_attributes: { url: `http://127.0.0.1:${port}/` } });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('as the image runs it (NODE_ENV=production), refuses to start without credentials, naming APP_ID', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|WEBHOOK_PROXY_URL)$/.test(k)));
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/bin/start.js', 'web'], { cwd: app, env: { ...env, NODE_ENV: 'production', PORT: String(port), NO_SMEE_SETUP: 'true' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    clearTimeout(timer);
    expect(code, output).toBe(1);
    expect(output).toContain('APP_ID');
    // No setup page in production: registration happens before deploying (README).
    expect(await fetch(`http://127.0.0.1:${port}/probot`).then((r) => r.status, () => 'refused')).toBe('refused');
  });
});
