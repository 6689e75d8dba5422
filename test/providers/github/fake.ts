import { pino } from 'pino';
import type { ProviderSession } from '../../../src/core/provider.js';
import { DEFAULT_TARGET } from '../../../src/core/resource.js';
import { createGitHubProvider, GitHubSettings, InProcessWritePacer, LruEtagCache, type EtagCache } from '../../../src/providers/github/index.js';
import type { GitHubSession } from '../../../src/providers/github/session.js';
import type { FakeGitHub } from '../../support/fake-github/index.js';
import { makeClient } from './helpers.js';

/** A session on the fake's org, with its own cache and no write spacing. */
export async function connectToFake(org = 'acme', cache: EtagCache = new LruEtagCache(), client = makeClient()): Promise<GitHubSession> {
  const provider = createGitHubProvider({ cache, pacer: new InProcessWritePacer() });
  const session: ProviderSession = await provider.connect(
    { name: DEFAULT_TARGET, settings: GitHubSettings.parse({ writeSpacingMs: 0 }) },
    { github: { client, owner: org }, env: {}, log: pino({ level: 'silent' }) },
  );
  return session as GitHubSession;
}

/** The people and apps every kind can refer to: alice, bob and dave are members, carol is not. */
export function seedPeople(fake: FakeGitHub): void {
  fake.addUser('alice', 'admin');
  fake.addUser('bob', 'member');
  fake.addUser('dave', 'member');
  fake.addUser('carol');
  fake.addApp('ci');
}
