import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { Registry } from '../../src/core/registry.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { providers } from '../../src/providers/index.js';
import { readEnv } from '../../src/env/app-env.js';
import type { WorkerContext } from '../../src/worker/context.js';
import type { FakeGitHub } from './fake-github/index.js';
import type { Provider } from '../../src/core/provider.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

export const CONFIG_REPO = 'converge-config';
export const silent = pino({ level: 'silent' });

/** A Probot authenticating as the app against the fake, with Octokit's own retries off. */
export function probotFor(fake: FakeGitHub): Probot {
  return new Probot({
    appId: 1,
    privateKey,
    baseUrl: fake.urls.api,
    log: silent,
    // A function, applied to every client's options, so that Probot's own throttle options
    // (which carry no `enabled`) cannot turn the plugin back on with its one write a second.
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...(options.throttle as object | undefined), enabled: false },
    })),
  });
}

/**
 * A worker context that authenticates like production (app JWT → installation token) against
 * the fake, with Octokit's own retries off so tests see every request and failure.
 */
export function workerContext(
  fake: FakeGitHub,
  options: { extraProviders?: Provider<any, ProviderDeps>[]; env?: Record<string, string>; processEnv?: Record<string, string> } = {},
): WorkerContext {
  const probot = probotFor(fake);
  return {
    auth: (installationId) => probot.auth(installationId),
    registry: new Registry<ProviderDeps>([...providers, ...(options.extraProviders ?? [])]),
    env: readEnv({ CONVERGE_CONFIG_REPO: CONFIG_REPO, CONVERGE_WRITE_SPACING_MS: '0', ...options.env }),
    processEnv: options.processEnv ?? {},
    log: silent,
  };
}

export const repoFile = (name: string, spec: string) => `kind: github.repository\nname: ${name}\nspec:\n${spec}`;
export const labelDoc = (repo: string, label: string, color: string) => `kind: github.label\nname: ${repo}/${label}\nspec:\n  color: ${color}\n`;

/** Requests that would change the org: every write except the app's own check runs, issues, comments and tokens. */
export function orgWrites(fake: FakeGitHub) {
  return fake.filter(
    (r) =>
      r.method !== 'GET' &&
      !(r.kind === 'graphql' && !/mutation/.test(String((r.body as { query?: string } | undefined)?.query ?? ''))) &&
      !/\/check-runs|\/access_tokens|\/issues/.test(r.path),
  );
}
