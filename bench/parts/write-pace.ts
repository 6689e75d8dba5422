/**
 * Part 7: writes at GitHub's pace, not below it. N label PATCHes and N repository PATCHes go
 * out at once, each stream `CONVERGE_APPLY_CONCURRENCY` wide, through the provider's shipped
 * write path (GitHubApi.write → the Redis pacer → the installation client from
 * `probot.auth`) to the fake over HTTP, 50 ms per request. The server records when each write
 * arrived; writes a minute are read from those times and set against GitHub's secondary limit
 * for that endpoint (900 points a minute, 5 a write: 180 writes).
 */
import { Redis } from 'ioredis';
import pLimit from 'p-limit';
import { readEnv } from '../../src/env/app-env.js';
import { GITHUB_WRITE_LIMITS, paceKey } from '../../src/providers/github/pacer.js';
import { RedisWritePacer } from '../../src/providers/github/redis-pacer.js';
import { GitHubApi } from '../../src/providers/github/shared/api.js';
import { LruEtagCache } from '../../src/providers/github/shared/etag-cache.js';
import { runPart, type PartContext } from '../support/child.js';
import { ORG } from '../support/model.js';
import { REDIS_URL } from '../support/redis.js';
import { check, fmt, type BenchSize, type PartResult, type Row, type Status } from '../support/rows.js';
import { shippedGitHub, type Timed } from '../support/shipped.js';

const SECTION = '7. Write pacing';
const PER_ENDPOINT = GITHUB_WRITE_LIMITS.restPointsPerMinute / GITHUB_WRITE_LIMITS.writePoints;
const MINUTE = 60_000;

/** The most starts inside any one minute (half-open window). */
function busiestMinute(starts: readonly number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[j]! <= starts[i]! - MINUTE) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

interface Pace {
  writes: number;
  perMinute: number;
  busiest: number;
  spanMs: number;
}

function paceOf(times: readonly Timed[]): Pace {
  const starts = times.map((t) => t.startedAt).sort((a, b) => a - b);
  const spanMs = starts.length > 1 ? starts.at(-1)! - starts[0]! : 0;
  // n writes span n − 1 gaps: the rate the pacer kept, without counting the first write's free slot.
  return { writes: starts.length, perMinute: spanMs > 0 ? ((starts.length - 1) / spanMs) * MINUTE : Infinity, busiest: busiestMinute(starts), spanMs };
}

function paceRow(id: string, measure: string, pace: Pace): Row {
  const floor = 0.8 * PER_ENDPOINT;
  const within = pace.perMinute <= PER_ENDPOINT && pace.busiest <= PER_ENDPOINT;
  const status: Status = within && check(pace.perMinute, '>=', floor) === 'pass' ? 'pass' : 'miss';
  return {
    id,
    section: SECTION,
    measure,
    value: Number.isFinite(pace.perMinute) ? Number(pace.perMinute.toFixed(1)) : null,
    unit: 'writes/min',
    display: `${fmt.num(pace.perMinute, 1)} writes a minute (${fmt.int(pace.writes)} writes over ${fmt.ms(pace.spanMs)}; at most ${pace.busiest} in any minute); GitHub's limit ${PER_ENDPOINT} (${GITHUB_WRITE_LIMITS.restPointsPerMinute} points ÷ ${GITHUB_WRITE_LIMITS.writePoints})`,
    target: `≥ ${floor} (80%) and ≤ ${PER_ENDPOINT}`,
    status,
    ...(status === 'miss'
      ? {
          note: within
            ? 'Below GitHub’s pace: something other than the per-endpoint budget (a fixed spacing, a shared queue) holds the writes back.'
            : 'Above GitHub’s limit: the pacer applied no per-endpoint budget to these writes (GitHubApi.write must pass the write target to WritePacer.acquire), so GitHub would answer with secondary rate limits.',
        }
      : {}),
  };
}

runPart(async (size: BenchSize, part: PartContext): Promise<PartResult> => {
  const notes: string[] = [];
  const rows: Row[] = [];
  const n = size.pacedWrites;
  const env = readEnv({ CONVERGE_WRITE_SPACING_MS: '0' });
  const shippedSpacing = readEnv({}).CONVERGE_WRITE_SPACING_MS;
  const gh = await shippedGitHub({ latencyMs: size.latencyMs, rateLimit: 100_000 });
  const fake = gh.served.fake;
  for (let i = 0; i < n; i++) fake.addRepo({ name: `svc-${i}`, description: 'before', labels: [{ name: 'bug', color: 'd73a4a', description: 'Something is broken' }] });

  const redis = new Redis(REDIS_URL);
  const key = paceKey(ORG);
  const clear = async () => {
    const keys = await redis.keys(`${key}*`);
    if (keys.length > 0) await redis.del(...keys);
  };
  await clear();
  const client = await gh.probot.auth(gh.installationId);
  const api = new GitHubApi({ client, org: ORG, cache: new LruEtagCache(), pacer: new RedisWritePacer(redis), writeSpacingMs: env.CONVERGE_WRITE_SPACING_MS });
  const concurrency = env.CONVERGE_APPLY_CONCURRENCY;
  const stream = (write: (i: number) => Promise<unknown>) => {
    const limit = pLimit(concurrency);
    return Promise.all(Array.from({ length: n }, (_, i) => limit(() => write(i))));
  };

  gh.resetTimes();
  const started = performance.now();
  await Promise.all([
    stream((i) => api.write('PATCH /repos/{owner}/{repo}/labels/{name}', { owner: ORG, repo: `svc-${i}`, name: 'bug', color: 'b60205' })),
    stream((i) => api.write('PATCH /repos/{owner}/{repo}', { owner: ORG, repo: `svc-${i}`, description: 'after' })),
  ]);
  const wallMs = performance.now() - started;
  const patches = gh.times.filter((t) => t.method === 'PATCH');
  const labels = paceOf(patches.filter((t) => /\/labels\//.test(t.url)));
  const repos = paceOf(patches.filter((t) => !/\/labels\//.test(t.url)));

  rows.push(
    paceRow('writes.label-patch', `${fmt.int(n)} label updates (PATCH …/labels/{name}), alongside the repository PATCHes`, labels),
    paceRow('writes.repo-patch', `${fmt.int(n)} repository PATCHes (PATCH /repos/{owner}/{repo}), alongside the label updates`, repos),
    {
      id: 'writes.overlap',
      section: SECTION,
      measure: 'Both streams together: wall time, and writes a minute across the two endpoints',
      value: Math.round(wallMs),
      unit: 'ms',
      display: `${fmt.ms(wallMs)} for ${fmt.int(2 * n)} writes: ${fmt.num(((2 * n) / wallMs) * MINUTE, 1)} a minute (each endpoint has its own budget, so they overlap); ${concurrency} in flight per stream (CONVERGE_APPLY_CONCURRENCY); ${gh.peak()} at most at the server`,
      target: '—',
      status: 'info',
      note:
        `Shipped client (createAppProbot + probot.auth), RedisWritePacer, GitHubApi.write, ${size.latencyMs} ms per request.` +
        (String(shippedSpacing) === '0' ? '' : ` Difference from npm start: CONVERGE_WRITE_SPACING_MS=0 (the shipped default is ${shippedSpacing}, a fixed gap on top of the budgets that would hold both streams to ${fmt.int(MINUTE / shippedSpacing)} writes a minute together).`),
    },
  );
  part.progress({ rows: [...rows], notes: [...notes] });
  const failed = patches.filter((t) => t.endedAt === 0).length;
  if (failed > 0) notes.push(`${failed} write(s) were still open when the streams finished.`);
  if (fake.violations.length > 0) notes.push(`The fake saw ${fake.violations.length} invalid or unserved request(s); first: ${fake.violations[0]}`);
  await clear();
  redis.disconnect();
  await gh.close();
  return { rows, notes };
});
