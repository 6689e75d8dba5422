/**
 * Parts 1 and 2: what delta convergence and full runs cost in requests, against the stateful
 * fake GitHub, through the real worker functions (plan, converge, full run) with the real
 * github provider. Every request waits the injected latency (50 ms at both sizes), so each
 * job's wall time is measured at that latency too. Loopback only: nock refuses other hosts.
 */
import nock from 'nock';
import { pino } from 'pino';
import { ProbotOctokit } from 'probot';
import { Registry } from '../../src/core/registry.js';
import type { GitHubClient, ProviderDeps } from '../../src/providers/deps.js';
import { createGitHubProvider, githubKinds, GitHubSettings, InProcessWritePacer, LruEtagCache, type EtagCache } from '../../src/providers/github/index.js';
import { readEnv } from '../../src/settings/env.js';
import type { WorkerContext } from '../../src/worker/context.js';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { FakeGitHub, type RequestRecord } from '../../test/support/fake-github/index.js';
import { runPart, type PartContext } from '../support/child.js';
import { CONFIG_REPO, configFiles, hasBranchProtection, liveRepositorySeed, ORG, PROTECTION_SEED, repoName, repositoryPath, repositoryYaml, resourcesPerRepo } from '../support/model.js';
import { explainCost } from '../support/graphql-cost.js';
import { describeSplit, splitRequests, type RequestSplit } from '../support/requests.js';
import { check, fmt, type BenchSize, type PartResult, type Row } from '../support/rows.js';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

const silent = pino({ level: 'silent' });
const APPLY_CHECK = 'Converge apply';
const DELTA = '1. Delta convergence';
const FULL = '2. Full-run request budget';

function makeClient(): GitHubClient {
  return new ProbotOctokit({ auth: { token: 'bench' }, retry: { enabled: false }, throttle: { enabled: false }, log: silent }) as GitHubClient;
}

/** A worker process's context: the real registry, with a github provider whose ETag cache we hold. */
function workerContext(client: GitHubClient, cache: EtagCache): WorkerContext {
  return {
    auth: async () => client,
    registry: new Registry<ProviderDeps>([createGitHubProvider({ cache, pacer: new InProcessWritePacer() })]),
    env: readEnv({ CONVERGE_WRITE_SPACING_MS: '0' }),
    processEnv: {},
    log: silent,
  };
}

interface Measured<T> {
  result: T;
  requests: RequestRecord[];
  split: RequestSplit;
  wallMs: number;
  cpuMs: number;
}

async function measured<T>(fake: FakeGitHub, run: () => Promise<T>): Promise<Measured<T>> {
  fake.resetLog();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let result: T;
  try {
    result = await run();
  } catch (error) {
    if (process.env.BENCH_DEBUG) for (const r of fake.requests) console.error(r.status, r.method, r.path, JSON.stringify(r.query));
    throw error;
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const requests = [...fake.requests];
  if (process.env.BENCH_DEBUG) console.error(`measured ${requests.length} requests in ${Math.round(wallMs)} ms`);
  return { result, requests, split: splitRequests(requests, ORG, CONFIG_REPO), wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const target = (s: RequestSplit) => s.targetReads + s.targetWrites;
const timing = (m: Measured<unknown>, latencyMs: number) => `${fmt.ms(m.wallMs)} wall at ${latencyMs} ms/request, ${fmt.ms(m.cpuMs)} CPU`;

runPart(async (size: BenchSize, part: PartContext): Promise<PartResult> => {
  const notes: string[] = [];
  const rows: Row[] = [];
  const report = () => part.progress({ rows: [...rows], notes: [...notes] });
  const repositories = size.repositories;
  const protection = hasBranchProtection(githubKinds);
  const perRepo = resourcesPerRepo(protection);
  const resources = repositories * perRepo;
  notes.push(
    'Job CPU times include the fake GitHub, which runs in the same process (serving GraphQL, building tarballs, checking every request against the OpenAPI description).',
  );
  notes.push(
    `Model: ${fmt.int(repositories)} repository files, each declaring 1 repository, 9 labels${protection ? " and main's branch protection" : ''} (${fmt.int(resources)} resources), matching the fake org exactly.` +
      (protection ? '' : ` Branch protection is missing: githubKinds has ${githubKinds.map((k) => k.kind).join(', ')} only.`),
  );

  const fake = new FakeGitHub({ latencyMs: size.latencyMs });
  for (let i = 0; i < repositories; i++) {
    const repo = fake.addRepo(liveRepositorySeed(i));
    if (protection) fake.addProtection(repo, PROTECTION_SEED);
  }
  fake.addRepo({ name: CONFIG_REPO });
  const base = fake.setFiles(CONFIG_REPO, Object.fromEntries(configFiles(repositories, protection)), { message: 'Declare the org' });
  const client = makeClient();
  // The last converged commit is recorded in GitHub: a successful apply check run on it.
  await client.rest.checks.create({ owner: ORG, repo: CONFIG_REPO, name: APPLY_CHECK, head_sha: base, status: 'completed', conclusion: 'success', output: { title: 'Converged', summary: 'Seeded by the benchmark.' } });

  // --- 1. delta: one repository file changed, planned on its PR, then converged on merge -----
  const k = Math.floor(repositories / 2);
  const changed = { [repositoryPath(k)]: repositoryYaml(k, protection, true) };
  const headSha = fake.commit(CONFIG_REPO, changed, { branch: 'bench/change-one', message: `Change ${repoName(k)}` });
  const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'bench/change-one' } });
  // One worker process: the plan and converge jobs share its ETag cache.
  const deltaContext = workerContext(client, new LruEtagCache());

  const plan = await measured(fake, () =>
    processPlanJob(
      { installationId: 1, owner: ORG, repo: CONFIG_REPO, pullNumber: pull.number, headSha, baseSha: pull.base.sha, fromFork: false },
      deltaContext,
      { remember: async () => undefined, finalAttempt: true },
    ),
  );
  if (plan.result.conclusion !== 'success') notes.push(`The plan job concluded ${plan.result.conclusion}; expected success.`);
  rows.push({
    id: 'delta.plan.target',
    section: DELTA,
    measure: `Plan job (PR changing 1 of ${fmt.int(repositories)} repository files): requests to the target`,
    value: target(plan.split),
    unit: 'requests',
    display: `${target(plan.split)}; ${plan.split.total} in all (${describeSplit(plan.split)}); ${timing(plan, size.latencyMs)}`,
    target: '≤ 10',
    status: check(target(plan.split), '<=', 10),
  });
  report();

  const mergeSha = fake.commit(CONFIG_REPO, changed, { message: `Merge pull request #${pull.number}` });
  Object.assign(pull, { merged: true, state: 'closed', merge_commit_sha: mergeSha, merged_at: '2025-01-02T00:00:00Z', closed_at: '2025-01-02T00:00:00Z' });
  const converge = await measured(fake, () => processConvergeJob({ installationId: 1, owner: ORG, repo: CONFIG_REPO, afterSha: mergeSha }, deltaContext));
  const applied = converge.result.results.filter((r) => r.status === 'applied').length;
  if (converge.result.conclusion !== 'success' || applied !== 2) {
    notes.push(`The converge job concluded ${converge.result.conclusion} with ${applied} applied change(s); expected 2 (a description and a label colour).`);
  }
  const deltaTarget = target(converge.split);
  rows.push({
    id: 'delta.converge.target',
    section: DELTA,
    measure: 'Converge job (that PR merged): requests to the target',
    value: deltaTarget,
    unit: 'requests',
    display: `${deltaTarget}; ${converge.split.total} in all (${describeSplit(converge.split)}); ${timing(converge, size.latencyMs)}`,
    target: '≤ 10',
    status: check(deltaTarget, '<=', 10),
  });
  report();

  // --- 2. full runs of the same model: cold (empty ETag cache), then warm (nothing changed) --
  const fullContext = workerContext(client, new LruEtagCache());
  const fullRun = () => processFullRunJob({ installationId: 1, owner: ORG, repo: CONFIG_REPO, reason: 'schedule' }, fullContext);
  const cold = await measured(fake, fullRun);
  if (cold.result.drifted !== 0) notes.push(`The cold full run reported ${cold.result.drifted} drifted resource(s); expected none.`);

  const ratio = target(cold.split) / Math.max(deltaTarget, 1);
  const ratioTotal = cold.split.total / Math.max(converge.split.total, 1);
  rows.push({
    id: 'delta.ratio',
    section: DELTA,
    measure: 'Full run ÷ converge job, requests to the target',
    value: Number(ratio.toFixed(2)),
    unit: '×',
    display: `${fmt.num(ratio, 1)}× (${target(cold.split)} vs ${deltaTarget}; all requests: ${cold.split.total} vs ${converge.split.total}, ${fmt.num(ratioTotal, 1)}×)`,
    target: '≥ 500×',
    status: check(ratio, '>=', 500),
    ...(ratio < 500
      ? {
          note: `The full run is batched too: ${target(cold.split)} GraphQL queries read all ${fmt.int(resources)} resources, so 500× fewer would mean ${fmt.num(target(cold.split) / 500, 2)} requests per delta. The delta reads ${perRepo} resources instead of ${fmt.int(resources)}, and its cost does not grow with the org.`,
        }
      : {}),
  });
  const perResource = cold.split.total / resources;
  const floor = (cold.split.total * size.latencyMs) / GitHubSettings.parse({}).readConcurrency;
  rows.push(
    {
      id: 'full.cold.per-resource',
      section: FULL,
      measure: `Full run, cold: requests per managed resource (${fmt.int(resources)} resources)`,
      value: Number(perResource.toFixed(5)),
      unit: 'requests/resource',
      display: `${fmt.num(perResource, 4)} (${cold.split.total} requests: ${describeSplit(cold.split)})`,
      target: '≤ 0.05',
      status: check(perResource, '<=', 0.05),
    },
    {
      id: 'full.cold.cost',
      section: FULL,
      measure: 'Full run, cold: primary rate-limit cost',
      value: cold.split.primaryCost,
      unit: 'points',
      display: `${cold.split.primaryCost} (REST ${cold.split.restCounted} requests + GraphQL ${cold.split.graphqlPoints} points for ${cold.split.graphqlCalls} queries)`,
      target: '—',
      status: 'info',
      note:
        "GraphQL points are computed as GitHub documents them: a connection needs as many requests as its parents' `first` values multiply to, the sum is divided by 100 and rounded, at least 1 per query" +
        (cold.split.heaviestGraphql ? `; the bulk query costs ${explainCost(cold.split.heaviestGraphql)}` : '') +
        '. A REST request costs 1, a 304 nothing; codeload (the tarball download) is not the API.',
    },
    {
      id: 'full.wall-latency',
      section: FULL,
      measure: `Full run, cold, ${size.latencyMs} ms per request: wall time`,
      value: Math.round(cold.wallMs),
      unit: 'ms',
      display: `${fmt.ms(cold.wallMs)} (${fmt.ms(cold.cpuMs)} of it CPU); floor ${fmt.ms(floor)} = ${cold.split.total} requests × ${size.latencyMs} ms ÷ concurrency ${GitHubSettings.parse({}).readConcurrency}`,
      target: 'near the floor',
      status: 'info',
      note: `The ${cold.split.graphqlCalls} bulk GraphQL pages follow each other by cursor, so they are sequential whatever the concurrency (${fmt.ms(cold.split.total * size.latencyMs)} of requests back to back); the rest of the wall time is CPU.`,
    },
  );
  report();

  const warm = await measured(fake, fullRun);
  const warmShare = warm.split.primaryCost / Math.max(cold.split.primaryCost, 1);
  rows.push({
    id: 'full.warm.cost-share',
    section: FULL,
    measure: 'Full run, warm (nothing changed): cost ÷ cold cost',
    value: Number((warmShare * 100).toFixed(1)),
    unit: '%',
    display: `${fmt.num(warmShare * 100, 1)}% (${warm.split.primaryCost} of ${cold.split.primaryCost}: ${warm.split.total} requests, REST ${warm.split.restCounted} counted, ${warm.split.notModified} answered 304, GraphQL ${warm.split.graphqlPoints} points)`,
    target: '≤ 10%',
    status: check(warmShare, '<=', 0.1),
    ...(warmShare > 0.1
      ? {
          note: `GraphQL has no conditional requests: the warm run sends the same ${warm.split.graphqlCalls} bulk queries for the same ${warm.split.graphqlPoints} points, and the repository, branch, tarball, check-run and issue calls are not conditional either. Only REST GETs with ETags become free 304s.`,
        }
      : {}),
  });
  if (fake.violations.length > 0) notes.push(`The fake saw ${fake.violations.length} invalid or unserved request(s); first: ${fake.violations[0]}`);
  fake.stop();
  return { rows, notes };
});
