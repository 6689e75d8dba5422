import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReadAllResult } from '../../../src/core/provider.js';
import { DEFAULT_TARGET, resourceKey } from '../../../src/core/resource.js';
import { createGitHubProvider, GitHubSettings, InProcessWritePacer, LruEtagCache, type EtagCache } from '../../../src/providers/github/index.js';
import { reusable, SKEW_MS, type LiveRecord, type LiveReuse } from '../../../src/providers/github/shared/live-records.js';
import type { GitHubSession } from '../../../src/providers/github/session.js';
import { RedisLiveRecords } from '../../../src/queue/live-records.js';
import { OrgActivity } from '../../../src/queue/org-activity.js';
import { installFakeGitHub, type RequestRecord } from '../../support/fake-github/index.js';
import { connectRedis, deleteKeys, testPrefix } from '../../support/redis.js';
import { makeClient } from './helpers.js';

const KINDS = ['github.repository', 'github.label', 'github.branch-protection'];
const ALL_EVENTS = new Set(['repository', 'label', 'branch_protection_rule']);
const WEEK = 7 * 86_400_000;
const name = (i: number) => `svc-${String(i).padStart(4, '0')}`;

const fake = installFakeGitHub();
const connections: Redis[] = [];
let prefix: string;
let store: RedisLiveRecords;
let cache: EtagCache;

beforeEach(async () => {
  prefix = testPrefix();
  store = new RedisLiveRecords(await connectRedis(connections), prefix);
  cache = new LruEtagCache();
  for (let i = 0; i < 150; i++) {
    fake.addRepo({ name: name(i), description: `service ${i}`, topics: ['team-a'], labels: ['bug', `area-${i % 5}`] });
    fake.addProtection(name(i), { pattern: 'main', requiresApprovingReviews: true, requiredApprovingReviewCount: 1 });
  }
});

afterEach(async () => {
  await deleteKeys(prefix);
});

afterAll(() => {
  for (const c of connections) c.disconnect();
});

/** A session like a full run's: records kept in Redis, reused as `reuse` allows. */
async function session(reuse: LiveReuse | undefined = { maxAgeMs: WEEK, events: ALL_EVENTS }): Promise<GitHubSession> {
  const provider = createGitHubProvider({ cache, pacer: new InProcessWritePacer() });
  return (await provider.connect(
    { name: DEFAULT_TARGET, settings: GitHubSettings.parse({ writeSpacingMs: 0 }) },
    { github: { client: makeClient(), owner: 'acme', liveRecords: store, ...(reuse ? { reuseLive: reuse } : {}) }, env: {}, log: pino({ level: 'silent' }) },
  )) as GitHubSession;
}

async function readAll(reuse?: LiveReuse): Promise<ReadAllResult> {
  const s = await session(reuse);
  return s.readAll(KINDS);
}

const specs = (result: ReadAllResult) => new Map(result.resources.map((r) => [resourceKey(r), r.spec]));
const operation = (r: RequestRecord) => (r.kind === 'graphql' ? /query (\w+)/.exec((r.body as { query: string }).query)?.[1] : `${r.method} ${r.path}`);

/** The first (cold) read, then a clean request log. */
async function coldThenWarm(): Promise<ReadAllResult> {
  const cold = await readAll();
  fake.resetLog();
  return cold;
}

describe('warm bulk reads: unchanged repositories are not read again', () => {
  it('reads nothing by GraphQL but a count when nothing changed, and reports exactly what the cold read did', async () => {
    const cold = await coldThenWarm();
    const warm = await readAll();
    expect(specs(warm)).toEqual(specs(cold));
    expect(warm.resources.map(resourceKey)).toEqual(cold.resources.map(resourceKey));
    // The first warm read fills the listing's ETags (a cold read of up to 300 repositories pages by GraphQL).
    expect(fake.count((r) => r.kind === 'graphql' && operation(r) === 'ConvergeRepositoriesById')).toBe(0);
    fake.resetLog();
    expect(specs(await readAll())).toEqual(specs(cold));
    const log = fake.filter(() => true);
    expect(log.map(operation).sort()).toEqual(['ConvergeRepositoryCount', 'GET /orgs/acme/repos', 'GET /orgs/acme/repos']);
    // Both listing pages are conditional and unchanged: free of rate limit.
    expect(log.filter((r) => r.kind !== 'graphql').every((r) => r.etag304 === true)).toBe(true);
  });

  it('reads again a repository whose stamps moved, and sees its merge settings', async () => {
    await coldThenWarm();
    const repo = fake.repo(name(7));
    repo.allow_squash_merge = false;
    repo.updated_at = '2025-06-01T00:00:00Z';
    const warm = await readAll();
    expect(specs(warm).get(`github.repository/${name(7)}`)).toMatchObject({ merge: { allowSquashMerge: false } });
    const byId = fake.filter((r) => r.kind === 'graphql' && operation(r) === 'ConvergeRepositoriesById');
    expect(byId).toHaveLength(1);
    expect((byId[0]!.body as { variables: { ids: string[] } }).variables.ids).toEqual([repo.node_id]);
  });

  it("takes a repository's settings from today's listing even when its record is reused", async () => {
    await coldThenWarm();
    // A description edit moves updated_at on GitHub; this one does not, and is still seen.
    fake.repo(name(3)).description = 'changed by hand';
    const warm = await readAll();
    expect(specs(warm).get(`github.repository/${name(3)}`)).toMatchObject({ description: 'changed by hand' });
  });

  it('reads again a repository an event named (a label added by hand moves no stamp)', async () => {
    await coldThenWarm();
    fake.addLabel(name(12), { name: 'hand-made', color: 'ffffff' });
    // Without the event the record stands: this is what the label event is for.
    expect(specs(await readAll()).has(`github.label/${name(12)}/hand-made`)).toBe(false);
    await new OrgActivity(connections[0]!, prefix).eventSeen('acme', [name(12).toUpperCase()]);
    expect(specs(await readAll()).has(`github.label/${name(12)}/hand-made`)).toBe(true);
  });

  it("reads again a repository Converge itself wrote to", async () => {
    await coldThenWarm();
    const s = await session();
    await s.apply({ kind: 'github.label', target: DEFAULT_TARGET, name: `${name(20)}/new`, action: 'create', fields: [], desired: { color: 'ededed', description: '' }, origin: 'model', owners: [] });
    const changed = await store.changedSince('acme', 0);
    expect([...changed.keys()]).toEqual([name(20)]);
    fake.resetLog();
    const warm = await readAll();
    expect(specs(warm).has(`github.label/${name(20)}/new`)).toBe(true);
    expect(fake.count((r) => r.kind === 'graphql' && operation(r) === 'ConvergeRepositoriesById')).toBe(1);
  });

  it('writes nothing when the repository cannot be marked changed: the record would stand for what no longer is', async () => {
    const provider = createGitHubProvider({ cache, pacer: new InProcessWritePacer() });
    const broken = { ...store, load: store.load.bind(store), save: store.save.bind(store), changedSince: store.changedSince.bind(store), reposChanged: async () => Promise.reject(new Error('Connection is closed.')) };
    const s = (await provider.connect(
      { name: DEFAULT_TARGET, settings: GitHubSettings.parse({ writeSpacingMs: 0 }) },
      { github: { client: makeClient(), owner: 'acme', liveRecords: broken }, env: {}, log: pino({ level: 'silent' }) },
    )) as GitHubSession;
    fake.resetLog();
    await expect(s.apply({ kind: 'github.label', target: DEFAULT_TARGET, name: `${name(21)}/new`, action: 'create', fields: [], desired: { color: 'ededed', description: '' }, origin: 'model', owners: [] })).rejects.toMatchObject({ code: 'retryable' });
    expect(fake.count((r) => r.method !== 'GET' && r.kind === 'rest')).toBe(0);
  });

  it('drops a deleted repository and reads a new one', async () => {
    await coldThenWarm();
    await makeClient().request('DELETE /repos/{owner}/{repo}', { owner: 'acme', repo: name(0) });
    fake.addRepo({ name: 'brand-new', labels: ['bug'] });
    const warm = specs(await readAll());
    expect([...warm.keys()].some((k) => k.includes(name(0)))).toBe(false);
    expect(warm.get('github.label/brand-new/bug')).toBeDefined();
    const records = await store.load('acme', [...KINDS].sort().join(','));
    expect(records.size).toBe(150);
    expect([...records.values()].some((r) => r.name === name(0))).toBe(false);
  });

  it('reads everything when the app does not receive the events a kind needs', async () => {
    await coldThenWarm();
    fake.addLabel(name(5), { name: 'unseen', color: 'ffffff' });
    const warm = await readAll({ maxAgeMs: WEEK, events: new Set(['repository', 'branch_protection_rule']) });
    expect(specs(warm).has(`github.label/${name(5)}/unseen`)).toBe(true);
    expect(fake.count((r) => r.kind === 'graphql' && operation(r) === 'ConvergeRepositories')).toBe(2);
  });

  it('reads everything when nothing is recorded, or reuse is off, and records it for next time', async () => {
    await readAll(undefined);
    expect(fake.count((r) => r.kind === 'graphql' && operation(r) === 'ConvergeRepositoryCount')).toBe(0);
    fake.resetLog();
    await readAll();
    expect(fake.count((r) => r.kind === 'graphql' && operation(r) === 'ConvergeRepositoriesById')).toBe(0);
  });

  it('reads again records older than the age limit', async () => {
    await coldThenWarm();
    await readAll({ maxAgeMs: 1, events: ALL_EVENTS });
    expect(fake.count((r) => r.kind === 'graphql' && operation(r) === 'ConvergeRepositoriesById')).toBe(2);
  });
});

describe('reusable', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const readAt = now - 3_600_000;
  const record: LiveRecord = { id: 'R1', name: 'api', updatedAt: '2026-12-01T00:00:00Z', pushedAt: '2026-12-02T00:00:00Z', readAt, resources: [] };
  const listed = { id: 'R1', name: 'api', updatedAt: record.updatedAt, pushedAt: record.pushedAt, rest: { name: 'api' } };

  it('holds while the stamps, the name and the events agree', () => {
    expect(reusable(record, listed, undefined, now, WEEK)).toBe(true);
    expect(reusable(record, listed, readAt - SKEW_MS - 1, now, WEEK)).toBe(true);
  });

  it('does not hold when anything says the repository may have changed', () => {
    expect(reusable(undefined, listed, undefined, now, WEEK)).toBe(false);
    expect(reusable(record, { ...listed, updatedAt: '2026-12-03T11:30:00Z' }, undefined, now, WEEK)).toBe(false);
    expect(reusable(record, { ...listed, pushedAt: '2026-12-03T11:30:00Z' }, undefined, now, WEEK)).toBe(false);
    expect(reusable(record, { ...listed, name: 'api-v2' }, undefined, now, WEEK)).toBe(false);
    // An event or a write after the read, or within the skew before it.
    expect(reusable(record, listed, readAt + 1, now, WEEK)).toBe(false);
    expect(reusable(record, listed, readAt - 1_000, now, WEEK)).toBe(false);
    expect(reusable(record, listed, undefined, readAt + WEEK, WEEK)).toBe(false);
  });

  it('does not trust a stamp as close to the read as GitHub rounds it', () => {
    const late = { ...record, updatedAt: new Date(readAt - 1_000).toISOString().replace('.000Z', 'Z') };
    expect(reusable(late, { ...listed, updatedAt: late.updatedAt }, undefined, now, WEEK)).toBe(false);
  });
});
