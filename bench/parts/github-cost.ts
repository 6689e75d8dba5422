/**
 * Parts 1 and 2: what convergence costs in requests and wall time, measured as a user would
 * run it: the fake GitHub served over HTTP on loopback, the shipped Probot and installation
 * clients (`createAppProbot` + `probot.auth`, the same plugins, throttling and retries as
 * `npm start`), the Redis write pacer the workers use, and the real job functions (first
 * convergence, plan, converge, full run) with the real github provider. Every request waits
 * the injected latency; each wall time is shown beside the floor of its request pattern.
 */
import { appendFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from '../../src/core/registry.js';
import { readEnv } from '../../src/env/app-env.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { createGitHubProvider, githubKinds, GitHubSettings, LruEtagCache, type EtagCache } from '../../src/providers/github/index.js';
import { RedisWritePacer } from '../../src/providers/github/redis-pacer.js';
import { Queues } from '../../src/queue/queues.js';
import type { WorkerContext } from '../../src/worker/context.js';
import { processConvergeJob } from '../../src/worker/converge-job.js';
import { processFullRunJob } from '../../src/worker/full-run-job.js';
import { processPlanJob } from '../../src/worker/plan-job.js';
import { processWorkerContext } from '../../src/worker/process-context.js';
import { importLive } from '../../src/importer/index.js';
import type { FakeGitHub, RequestRecord } from '../../test/support/fake-github/index.js';
import { runPart, type PartContext } from '../support/child.js';
import { describeFloor, requestFloor, type RequestFloor } from '../support/floor.js';
import { explainCost } from '../support/graphql-cost.js';
import { CONFIG_REPO, configFiles, hasBranchProtection, liveRepositorySeed, ORG, PROTECTION_SEED, repoName, repositoryPath, repositoryYaml, resourcesPerRepo } from '../support/model.js';
import { benchPrefix, deleteKeys, REDIS_URL } from '../support/redis.js';
import { describeSplit, splitRequests, type RequestSplit } from '../support/requests.js';
import { check, fmt, type BenchSize, type PartResult, type Row } from '../support/rows.js';
import { shippedGitHub } from '../support/shipped.js';

const silent = pino({ level: 'silent' });
const CLIENT = '0. What is measured';
const DELTA = '1. Delta convergence';
const FULL = '2. Full-run request budget';
const READ_CONCURRENCY = GitHubSettings.parse({}).readConcurrency;

/** Write spacing as the bench runs it; the shipped default is stated beside it when they differ. */
const WRITE_SPACING_MS = '0';

interface Measured<T> {
  result: T;
  requests: RequestRecord[];
  split: RequestSplit;
  floor: RequestFloor;
  wallMs: number;
  cpuMs: number;
  /** Most requests in flight at once, as the server saw them. */
  peak: number;
}

const target = (s: RequestSplit) => s.targetReads + s.targetWrites;

runPart(async (size: BenchSize, part: PartContext): Promise<PartResult> => {
  const notes: string[] = [];
  const rows: Row[] = [];
  const report = () => part.progress({ rows: [...rows], notes: [...notes] });
  const repositories = size.repositories;
  const protection = hasBranchProtection(githubKinds);
  const perRepo = resourcesPerRepo(protection);
  const resources = repositories * perRepo;
  const latency = size.latencyMs;

  const gh = await shippedGitHub({ latencyMs: latency });
  const fake = gh.served.fake;
  const redis = new Redis(REDIS_URL);
  const pacer = new RedisWritePacer(redis);
  const shippedSpacing = readEnv({}).CONVERGE_WRITE_SPACING_MS;

  const prefix = benchPrefix();
  const env = readEnv({ CONVERGE_WRITE_SPACING_MS: WRITE_SPACING_MS, CONVERGE_QUEUE_PREFIX: prefix });
  const producer = new Queues(redis, prefix);
  /**
   * A worker process as start.ts builds it (processWorkerContext): installation clients from
   * Probot, and the Redis pacer, snapshot cache, progress hint, live records and org activity
   * under the bench's own prefix; its own ETag and model caches.
   */
  const workerContext = (cache: EtagCache): WorkerContext =>
    processWorkerContext({
      auth: (installationId) => gh.probot.auth(installationId),
      appId: gh.appId,
      registry: new Registry<ProviderDeps>([createGitHubProvider({ cache })]),
      env,
      processEnv: {},
      log: silent,
      redis,
      producer,
    });

  const measured = async <T>(run: () => Promise<T>): Promise<Measured<T>> => {
    fake.resetLog();
    gh.resetTimes();
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
    // BENCH_TRACE=<file>: every measured request (status, method, path) appended to the file.
    if (process.env.BENCH_TRACE) appendFileSync(process.env.BENCH_TRACE, `${requests.map((r) => `${r.status} ${r.method} ${r.path}\n`).join('')}----\n`);
    return {
      result,
      requests,
      split: splitRequests(requests, ORG, CONFIG_REPO),
      floor: requestFloor(requests, latency, READ_CONCURRENCY),
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      peak: gh.peak(),
    };
  };
  const timing = (m: Measured<unknown>) => `${fmt.ms(m.wallMs)} wall (floor ${fmt.ms(m.floor.ms)}, ${fmt.ms(m.cpuMs)} CPU, ${m.peak} in flight at most)`;

  rows.push({
    id: 'shipped.client',
    section: CLIENT,
    measure: 'Client and pacing under measurement',
    value: null,
    unit: '',
    display:
      `createAppProbot + probot.auth(${gh.installationId}) over HTTP on loopback (ProbotOctokit plugins, Converge throttling: GETs and GraphQL queries unpaced, ≤ 100 in flight; retries on), ` +
      `writes paced by RedisWritePacer; ${latency} ms per request; floor = requests × latency ÷ read concurrency ${READ_CONCURRENCY}, cursor pages in sequence`,
    target: '—',
    status: 'info',
    note:
      'Differences from npm start: jobs are called directly, not taken from BullMQ (parts 4 and 5 measure the queue and webhooks); the fake GitHub runs in the same process, so its CPU is in every wall time; ' +
      'each measured worker has its own ETag and model caches (a fresh process), where one npm start process shares one' +
      (String(shippedSpacing) === WRITE_SPACING_MS ? '.' : `; CONVERGE_WRITE_SPACING_MS=${WRITE_SPACING_MS} (the shipped default is ${shippedSpacing}: a fixed gap under the pacer's budgets).`),
  });
  notes.push('Job CPU times include the fake GitHub, which runs in the same process (serving GraphQL, building tarballs, checking every request against the OpenAPI description).');
  notes.push(
    `Model: ${fmt.int(repositories)} repository files, each declaring 1 repository, 9 labels${protection ? " and main's branch protection" : ''} (${fmt.int(resources)} resources), matching the fake org exactly.` +
      (protection ? '' : ` Branch protection is missing: githubKinds has ${githubKinds.map((k) => k.kind).join(', ')} only.`),
  );

  const seed = (into: FakeGitHub) => {
    for (let i = 0; i < repositories; i++) {
      const repo = into.addRepo(liveRepositorySeed(i));
      if (protection) into.addProtection(repo, PROTECTION_SEED);
    }
    into.addRepo({ name: CONFIG_REPO });
    return into.setFiles(CONFIG_REPO, Object.fromEntries(configFiles(repositories, protection)), { message: 'Declare the org' });
  };
  const base = seed(fake);
  // One worker process: the first convergence, the plan and the converge job share its caches.
  const deltaContext = workerContext(new LruEtagCache());

  // --- first convergence: no "Converge apply" check run anywhere, so the whole model is
  // converged. It leaves the steady state the delta starts from, as in production: its commit
  // recorded by a check run, its snapshot cached by tree, the progress hint, its model loaded.
  const first = await measured(() => processConvergeJob({ installationId: gh.installationId, owner: ORG, repo: CONFIG_REPO, afterSha: base }, deltaContext));
  if (first.result.conclusion !== 'success') notes.push(`The first convergence concluded ${first.result.conclusion}; expected success.`);
  report();

  // --- delta: one repository file changed, planned on its PR, then converged on merge --------
  const k = Math.floor(repositories / 2);
  const changed = { [repositoryPath(k)]: repositoryYaml(k, protection, true) };
  const headSha = fake.commit(CONFIG_REPO, changed, { branch: 'bench/change-one', message: `Change ${repoName(k)}` });
  const pull = fake.addPull(CONFIG_REPO, { head: { ref: 'bench/change-one' } });
  const plan = await measured(() =>
    processPlanJob(
      { installationId: gh.installationId, owner: ORG, repo: CONFIG_REPO, pullNumber: pull.number, headSha, baseSha: pull.base.sha, fromFork: false },
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
    display: `${target(plan.split)}; ${plan.split.total} in all (${describeSplit(plan.split)}); ${timing(plan)}`,
    target: '≤ 10',
    status: check(target(plan.split), '<=', 10),
  });
  report();

  const mergeSha = fake.commit(CONFIG_REPO, changed, { message: `Merge pull request #${pull.number}` });
  Object.assign(pull, { merged: true, state: 'closed', merge_commit_sha: mergeSha, merged_at: '2025-01-02T00:00:00Z', closed_at: '2025-01-02T00:00:00Z' });
  const converge = await measured(() => processConvergeJob({ installationId: gh.installationId, owner: ORG, repo: CONFIG_REPO, afterSha: mergeSha }, deltaContext));
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
    display: `${deltaTarget}; ${converge.split.total} in all (${describeSplit(converge.split)}); ${timing(converge)}`,
    target: '≤ 10',
    status: check(deltaTarget, '<=', 10),
  });
  const oneFileRequests = plan.split.total + converge.split.total;
  const oneFileWall = plan.wallMs + converge.wallMs;
  const eachJob = [plan, converge];
  const oneFileStatus = eachJob.every((m) => check(m.split.total, '<=', 8) === 'pass' && check(m.wallMs, '<=', 1_500) === 'pass') ? 'pass' : 'miss';
  rows.push({
    id: 'delta.one-file',
    section: DELTA,
    measure: 'One-file change, plan job and converge job: requests in all, wall (each job)',
    value: Math.max(plan.split.total, converge.split.total),
    unit: 'requests',
    display:
      `plan ${plan.split.total} requests in ${fmt.ms(plan.wallMs)} (floor ${fmt.ms(plan.floor.ms)}), converge ${converge.split.total} requests in ${fmt.ms(converge.wallMs)} (floor ${fmt.ms(converge.floor.ms)}); ` +
      `both: ${oneFileRequests} requests, ${fmt.ms(oneFileWall)} wall, ${fmt.ms(plan.cpuMs + converge.cpuMs)} CPU`,
    target: '≤ 8 requests, ≤ 1.5 s',
    status: oneFileStatus,
    note:
      `Each job is held to the target: the plan on the PR and the convergence of its merge are separate runs a reviewer and a merger each wait for. Both together cost ${oneFileRequests} requests against the field's 14 (2.6–3.2 s). ` +
      `Steady state, as the convergence that recorded the base leaves it: the base snapshot cached by tree and the progress hint in Redis; the PR's head tree is the merge's, so the converge job reads no config repo file. ` +
      `Where they go: plan ${describeSplit(plan.split)}; converge ${describeSplit(converge.split)}.`,
  });
  report();

  // --- full runs of the same model: cold (empty ETag cache), then warm (nothing changed) ---
  const fullContext = workerContext(new LruEtagCache());
  const fullRun = () => processFullRunJob({ installationId: gh.installationId, owner: ORG, repo: CONFIG_REPO, reason: 'schedule' }, fullContext);
  // Cold: nothing recorded yet (the first convergence's bulk read left records; a cold run has none).
  await deleteKeys(`${prefix}:live:`);
  const cold = await measured(fullRun);
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
  const wallRatio = cold.wallMs / Math.max(cold.floor.ms, 1);
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
        '. A REST request costs 1, a 304 nothing; codeload (the tarball download) is not the API; the installation token request is app-authenticated.',
    },
    {
      id: 'full.wall-latency',
      section: FULL,
      measure: `Full run, cold, ${latency} ms per request: wall time ÷ floor`,
      value: Number(wallRatio.toFixed(2)),
      unit: '×',
      display: `${fmt.num(wallRatio, 2)}×: ${fmt.ms(cold.wallMs)} wall (${fmt.ms(cold.cpuMs)} of it CPU, ${cold.peak} in flight at most); floor ${describeFloor(cold.floor)}`,
      target: '≤ 2× the floor',
      status: check(wallRatio, '<=', 2),
      ...(wallRatio > 2 ? { note: `Above the floor by ${fmt.ms(cold.wallMs - cold.floor.ms)}; the run spent ${fmt.ms(cold.cpuMs)} of CPU (the fake's serving and checking included), which the floor does not count.` } : {}),
    },
  );
  report();

  const warm = await measured(fullRun);
  if (warm.result.drifted !== 0) notes.push(`The warm full run reported ${warm.result.drifted} drifted resource(s); expected none.`);
  const warmShare = warm.split.primaryCost / Math.max(cold.split.primaryCost, 1);
  rows.push({
    id: 'full.warm.cost-share',
    section: FULL,
    measure: 'Full run, warm (nothing changed): cost ÷ cold cost (REST + GraphQL points)',
    value: Number((warmShare * 100).toFixed(1)),
    unit: '%',
    display: `${fmt.num(warmShare * 100, 1)}% (${warm.split.primaryCost} of ${cold.split.primaryCost}: ${warm.split.total} requests, REST ${warm.split.restCounted} counted, ${warm.split.notModified} answered 304, GraphQL ${warm.split.graphqlPoints} points); ${timing(warm)}`,
    target: '≤ 10%',
    status: check(warmShare, '<=', 0.1),
    note:
      `A scheduled full run lists the org by REST (conditional pages: a 304 costs nothing) and reads by GraphQL only the repositories whose updated_at/pushed_at moved, that an event named, or that Converge wrote to since the last read; the rest stand on what the last read recorded (in Redis). ` +
      `The first warm run after a cold one pays for the listing pages once (their ETags were not cached yet); this is the steady state.`,
  });
  report();

  // --- a warm full run after a day of events: 1% of the repositories named by events ---
  const touched = Array.from({ length: Math.max(1, Math.round(repositories / 100)) }, (_, i) => repoName(i * 100));
  await producer.activity.eventSeen(ORG, touched);
  const afterEvents = await measured(fullRun);
  const afterShare = afterEvents.split.primaryCost / Math.max(cold.split.primaryCost, 1);
  rows.push({
    id: 'full.warm.after-events',
    section: FULL,
    measure: `Full run, warm, after events named ${touched.length} repositories (1%): cost ÷ cold cost`,
    value: Number((afterShare * 100).toFixed(1)),
    unit: '%',
    display: `${fmt.num(afterShare * 100, 1)}% (${afterEvents.split.primaryCost} of ${cold.split.primaryCost}: ${afterEvents.split.total} requests, GraphQL ${afterEvents.split.graphqlPoints} points for ${afterEvents.split.graphqlCalls} queries); ${timing(afterEvents)}`,
    target: '—',
    status: 'info',
    note: 'Only the named repositories are read again, 100 to a query by node id.',
  });
  report();

  // --- import of the same org, as the onboarding PR reads it: the model's kinds, cold ETag cache ---
  const importContext = workerContext(new LruEtagCache());
  const kinds = ['github.repository', 'github.label', ...(protection ? ['github.branch-protection'] : [])];
  const client = await gh.probot.auth(gh.installationId);
  const imported = await measured(() =>
    importLive({ registry: importContext.registry, providers: { github: {} }, kinds, deps: { github: { client, owner: ORG, pacer }, env: {}, log: silent }, configRepo: CONFIG_REPO }),
  );
  if (imported.result.failures.length > 0) notes.push(`The import could not read ${imported.result.failures.length} part(s) of the org; first: ${imported.result.failures[0]!.message}`);
  const importRatio = imported.split.total / Math.max(cold.split.total, 1);
  rows.push({
    id: 'import.cost',
    section: FULL,
    measure: `Import of the org (${fmt.int(repositories)} repositories; ${kinds.join(', ')}): requests, and ÷ the cold full run`,
    value: imported.split.total,
    unit: 'requests',
    display: `${fmt.int(imported.split.total)} requests (${describeSplit(imported.split)}), ${fmt.num(importRatio, 2)}× the full run's ${fmt.int(cold.split.total)}; ${fmt.int(imported.result.resources)} resources in ${fmt.int(imported.result.files.size)} files; ${timing(imported)}`,
    target: '—',
    status: 'info',
    note: 'The same bulk reads as the full run, through the same installation client. Importing every kind adds the per-repository REST lists the model does not use (collaborators and invitations, environments, variables, rulesets): about 5 requests per repository.',
  });
  report();
  const firstRatio = first.split.total / Math.max(cold.split.total, 1);
  rows.push({
    id: 'full.first-convergence',
    section: FULL,
    measure: 'First convergence with no recorded progress (no earlier apply check run), same model: requests ÷ full run',
    value: Number(firstRatio.toFixed(2)),
    unit: '×',
    display: `${fmt.num(firstRatio, 2)}× (${first.split.total} vs ${cold.split.total}: ${describeSplit(first.split)}); ${timing(first)}`,
    target: '≤ 1.2× the full run',
    status: check(firstRatio, '<=', 1.2),
  });
  checkClean(fake, notes);
  redis.disconnect();
  await deleteKeys(prefix);
  await gh.close();
  return { rows, notes };
});

function checkClean(fake: FakeGitHub, notes: string[]): void {
  if (fake.violations.length > 0) notes.push(`The fake saw ${fake.violations.length} invalid or unserved request(s); first: ${fake.violations[0]}`);
}

