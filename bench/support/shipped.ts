/**
 * What `npm start` runs, pointed at the fake: the fake served over HTTP on loopback (as the
 * e2e suite and a GitHub Enterprise Server URL would reach it), and Probot built by
 * `createAppProbot` with an app key, so installation clients come from `probot.auth(id)` with
 * the same Octokit plugins, throttling and retry settings as production. The server side also
 * records when each request arrived and was answered, and how many were in flight at once.
 */
import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { pino } from 'pino';
import type { Probot } from 'probot';
import { createAppProbot, readProbotSettings } from '../../src/github-app/probot.js';
import { serveFakeGitHub, type ServedFakeGitHub } from '../../test/support/fake-github/serve.js';
import type { FakeGitHubOptions } from '../../test/support/fake-github/world.js';

export interface Timed {
  method: string;
  url: string;
  startedAt: number;
  endedAt: number;
}

export interface ShippedGitHub {
  served: ServedFakeGitHub;
  probot: Probot;
  appId: number;
  installationId: number;
  /** Requests as the server saw them, with times (performance.now()), since the last `resetTimes`. */
  times: Timed[];
  /** Most requests in flight at once since the last `resetTimes`. */
  peak(): number;
  resetTimes(): void;
  close(): Promise<void>;
}

export async function shippedGitHub(options: Omit<FakeGitHubOptions, 'baseUrl' | 'appPublicKey'> = {}): Promise<ShippedGitHub> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const served = await serveFakeGitHub({ ...options, appPublicKey: publicKey });
  // Constructing the fake activated nock, which would answer our own loopback requests with
  // "no match": switch it off, so the client talks HTTP to the server like a real one.
  nock.restore();
  const times: Timed[] = [];
  let inFlight = 0;
  let peak = 0;
  const receive = served.fake.receive.bind(served.fake);
  served.fake.receive = async (raw) => {
    const entry: Timed = { method: raw.method, url: raw.url, startedAt: performance.now(), endedAt: 0 };
    times.push(entry);
    peak = Math.max(peak, ++inFlight);
    try {
      return await receive(raw);
    } finally {
      inFlight--;
      entry.endedAt = performance.now();
    }
  };
  const appId = served.fake.options.appId ?? 1;
  const settings = readProbotSettings({ APP_ID: String(appId), PRIVATE_KEY: privateKey, ...served.env });
  const probot = createAppProbot({ ...settings, appId, privateKey }, pino({ level: 'silent' }));
  return {
    served,
    probot,
    appId,
    installationId: served.fake.options.installationId ?? 1,
    times,
    peak: () => peak,
    resetTimes: () => {
      times.length = 0;
      peak = inFlight;
    },
    close: () => served.close(),
  };
}
