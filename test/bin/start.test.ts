import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { serveFakeGitHub } from '../support/fake-github/serve.js';

const TSX = 'node_modules/.bin/tsx';

function run(args: string[], env: Record<string, string>, untilMs: number, until?: RegExp) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|GHE_HOST|GHE_PROTOCOL)$/.test(k)));
    const child = spawn(TSX, ['src/bin/start.ts', ...args], { env: { ...base, LOG_FORMAT: 'json', ...env } as NodeJS.ProcessEnv });
    let output = '';
    const done = (code: number | null) => resolve({ code, output });
    const timer = setTimeout(() => child.kill('SIGTERM'), untilMs);
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

describe('npm start', () => {
  it('lands in Probot’s app registration flow without credentials', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(TSX, ['src/bin/start.ts'], { env: { ...process.env, APP_ID: '', PRIVATE_KEY: '', PORT: String(port), NO_SMEE_SETUP: 'true' } });
    try {
      let page = '';
      for (let i = 0; i < 100 && !page; i++) {
        await new Promise((r) => setTimeout(r, 200));
        page = await fetch(`http://127.0.0.1:${port}/probot`).then((r) => r.text(), () => '');
      }
      expect(page).toContain('Register GitHub App');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses to run a worker without credentials, saying what to do', async () => {
    const result = await run(['worker'], {}, 20_000);
    expect(result.code).toBe(1);
    expect(result.output).toContain('APP_ID and PRIVATE_KEY');
  });

  it('names REDIS_URL when Redis cannot be reached', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const result = await run(['web'], { APP_ID: '1', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 's', REDIS_URL: 'redis://127.0.0.1:1' }, 20_000);
    expect(result.code).toBe(1);
    expect(result.output).toContain('Cannot reach Redis at REDIS_URL=redis://127.0.0.1:1');
  });
});

describe('npm start with credentials', () => {
  const keys = () =>
    generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

  it('refuses to serve webhooks without WEBHOOK_SECRET, naming it', async () => {
    const result = await run(['web'], { APP_ID: '1', PRIVATE_KEY: keys().privateKey, WEBHOOK_SECRET: '' }, 20_000);
    expect(result.code).toBe(1);
    expect(result.output).toContain('WEBHOOK_SECRET is not set');
    expect(result.output).not.toMatch(/\n\s+at /);
  });

  it('stops a worker whose key GitHub rejects, naming APP_ID and PRIVATE_KEY, without a stack trace', async () => {
    const served = await serveFakeGitHub({ appPublicKey: keys().publicKey });
    try {
      const result = await run(['worker'], { APP_ID: '1', PRIVATE_KEY: keys().privateKey, ...served.env }, 30_000);
      expect(result.code).toBe(1);
      expect(result.output).toContain('rejected the app');
      expect(result.output).toContain('APP_ID and PRIVATE_KEY');
      expect(result.output).not.toMatch(/\n\s+at /);
    } finally {
      await served.close();
    }
  });

  it('stops a worker that cannot reach GitHub, naming GHE_HOST', async () => {
    const result = await run(['worker'], { APP_ID: '1', PRIVATE_KEY: keys().privateKey, GHE_HOST: '127.0.0.1:1', GHE_PROTOCOL: 'http' }, 30_000);
    expect(result.code).toBe(1);
    expect(result.output).toContain('Cannot reach GitHub at http://127.0.0.1:1/api/v3');
    expect(result.output).toContain('GHE_HOST');
    expect(result.output).not.toMatch(/\n\s+at /);
  });
});
