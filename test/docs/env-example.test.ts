import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../src/env/app-env.js';

/**
 * Every variable a user may set is documented in .env.example (as `NAME=` or a commented
 * `# NAME=` for one that should stay unset). The lists are read from the code that reads
 * the environment, so a variable added there without documentation fails here.
 */
const example = readFileSync('.env.example', 'utf8');
const documented = (name: string) => new RegExp(`^(# ?)?${name}=`, 'm').test(example);

const files = (dir: string, ext: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []));
const envReads = (source: string) => [...source.matchAll(/\b(?:process\.env|env|envWithDefaults)\.([A-Z][A-Z0-9_]*)\b|process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)].map((m) => (m[1] ?? m[2])!);

// What Probot reads in the processes Converge runs: the library (run, createProbot, the setup
// flow, the server) and its private-key lookup. Left out: the `probot` and `probot receive`
// command-line tools (lib/bin other than read-env-options.js), which Converge never runs.
const PROBOT_CLI = new Set(['lib/bin/probot.js', 'lib/bin/receive.js', 'lib/bin/read-cli-options.js']);
const probotSources = [
  ...files('node_modules/probot/lib', '.js').filter((f) => !PROBOT_CLI.has(relative('node_modules/probot', f))),
  'node_modules/@probot/get-private-key/dist-src/index.js',
];
// Read by Probot but not for users to set, each for a reason.
const NOT_FOR_USERS: Record<string, string> = {
  PROJECT_DOMAIN: 'set by the Glitch hosting service, which Converge is not deployed on',
};
const probotReads = [...new Set(probotSources.flatMap((f) => envReads(readFileSync(f, 'utf8'))))].sort();

// Converge's own: every key of the settings schema (read from its source, so one with no
// default is found too) and every other variable src/ reads by name (process.env.X, or
// env.X on an environment object handed around).
const schemaKeys = [...readFileSync('src/env/app-env.ts', 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*z\./gm)].map((m) => m[1]!);
const directReads = files('src', '.ts').flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\b\w*[eE]nv\.([A-Z][A-Z0-9_]*)\b|process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)].map((m) => (m[1] ?? m[2])!));

describe('.env.example', () => {
  it('finds what Probot reads (the scan itself works)', () => {
    // The variables the issue names and the credentials: if a Probot upgrade moves them out
    // of reach of the scan, this fails instead of the next test passing on an empty list.
    expect(probotReads).toEqual(
      expect.arrayContaining(['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET', 'WEBHOOK_PROXY_URL', 'GH_ORG', 'WEBHOOK_PATH', 'SENTRY_DSN', 'LOG_MESSAGE_KEY', 'LOG_LEVEL_IN_STRING', 'NO_SMEE_SETUP', 'GHE_HOST', 'REDIS_URL']),
    );
  });

  it('documents every variable Probot reads that a user may set', () => {
    const missing = probotReads.filter((name) => !(name in NOT_FOR_USERS) && !documented(name));
    expect(missing).toEqual([]);
    // The exclusions are still real: none may linger after Probot stops reading it.
    for (const name of Object.keys(NOT_FOR_USERS)) expect(probotReads).toContain(name);
  });

  it('documents every variable Converge reads', () => {
    // The source scan agrees with the schema: every setting readEnv returns was found.
    expect(schemaKeys).toEqual(expect.arrayContaining(Object.keys(readEnv({}))));
    const missing = [...new Set([...schemaKeys, ...directReads])].filter((name) => !documented(name));
    expect(missing).toEqual([]);
  });
});
