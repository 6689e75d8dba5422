import nock from 'nock';
import { pino } from 'pino';
import { ProbotOctokit } from 'probot';
import { afterEach, beforeEach, expect } from 'vitest';
import { checkGraphqlQuery } from '../../support/graphql-schema.js';
import { checkRequest } from '../../support/openapi.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import { DEFAULT_TARGET } from '../../../src/core/resource.js';
import type { GitHubClient } from '../../../src/providers/deps.js';
import { createGitHubProvider, GitHubSettings, InProcessWritePacer, LruEtagCache, type EtagCache, type WritePacer } from '../../../src/providers/github/index.js';
import type { GitHubSession } from '../../../src/providers/github/session.js';
import type { Change, FieldChange } from '../../../src/core/plan-types.js';

export const API = 'https://api.github.com';
export const ORG = 'acme';

export function makeClient(): GitHubClient {
  return new ProbotOctokit({
    auth: { token: 'test' },
    retry: { enabled: false },
    throttle: { enabled: false },
    log: pino({ level: 'silent' }),
  }) as GitHubClient;
}

export interface Connected {
  session: GitHubSession;
  cache: EtagCache;
  pacer: WritePacer;
  client: GitHubClient;
}

export async function connect(options: { cache?: EtagCache; pacer?: WritePacer; settings?: Record<string, unknown> } = {}): Promise<Connected> {
  const cache = options.cache ?? new LruEtagCache();
  const pacer = options.pacer ?? new InProcessWritePacer();
  const client = makeClient();
  const provider = createGitHubProvider({ cache, pacer });
  const session = await provider.connect(
    { name: DEFAULT_TARGET, settings: GitHubSettings.parse({ writeSpacingMs: 0, ...options.settings }) },
    { github: { client, owner: ORG }, env: {}, log: pino({ level: 'silent' }) },
  );
  return { session: session as ProviderSession as GitHubSession, cache, pacer, client };
}

/**
 * Every request a test makes must be one it declared: nock already refuses unknown hosts;
 * this also fails the test for a request to the API that no interceptor matched (which the
 * provider might otherwise turn into a read error).
 */
export function strictNock(): { unmatched: string[] } {
  const state = { unmatched: [] as string[] };
  violations.length = 0;
  const onNoMatch = (req: { method?: string; path?: string; options?: { method?: string; path?: string } }) => {
    state.unmatched.push(`${req.method ?? req.options?.method} ${req.path ?? req.options?.path}`);
  };
  beforeEach(() => {
    state.unmatched.length = 0;
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.emitter.off('no match', onNoMatch);
    expect(state.unmatched, 'unexpected requests').toEqual([]);
    expect(violations.splice(0), "requests GitHub's OpenAPI description or GraphQL schema does not allow").toEqual([]);
    expect(nock.pendingMocks(), 'expected requests that were never sent').toEqual([]);
  });
  return state;
}

/** What every intercepted request got wrong against GitHub's published descriptions. */
const violations: string[] = [];

function check(req: { method?: string; path?: string }, body: string): void {
  const url = new URL(req.path ?? '/', API);
  const parsed: unknown = body ? JSON.parse(body) : undefined;
  if (url.pathname === '/graphql') {
    violations.push(...checkGraphqlQuery((parsed as { query: string }).query));
    return;
  }
  violations.push(...checkRequest({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body: parsed }));
}

/** A nock scope on the API whose every request is checked against GitHub's descriptions. */
export const api = () => nock(API).on('request', (req: { method?: string; path?: string }, _interceptor: unknown, body: string) => check(req, body));

/** A REST repository as GitHub returns it, with only the fields the provider looks at plus a few. */
export function restRepo(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1,
    node_id: `R_${name}`,
    name,
    full_name: `${ORG}/${name}`,
    private: false,
    visibility: 'public',
    description: null,
    homepage: null,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_discussions: false,
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    default_branch: 'main',
    archived: false,
    topics: [],
    ...overrides,
  };
}

export function restLabel(name: string, color = 'ededed', description: string | null = null) {
  return { id: 1, node_id: `LA_${name}`, url: `${API}/repos/${ORG}/x/labels/${name}`, name, color, default: false, description };
}

/** A change of `github.<kind>` whose fields are `after` values (`before` undefined). */
export function change(kind: string, action: Change['action'], name: string, fields: Array<[string, unknown]>, extra: Partial<Change> = {}): Change {
  return {
    kind: `github.${kind}`,
    target: 'default',
    name,
    action,
    fields: fields.map(([path, after]): FieldChange => ({ path, before: undefined, after })),
    origin: 'model',
    owners: [],
    ...extra,
  };
}
