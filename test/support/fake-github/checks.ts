/**
 * Check runs, with GitHub's output limits enforced the way the real API enforces them (a 422
 * for the whole request), and every create/update kept so tests can read the history.
 */
import { bodyOf, notFound, ok, paginate, unprocessable, type FakeRequest } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { nodeId, orgActor, userJson, type World } from './world.js';

/** GitHub's documented limits; summary and text behave as bytes, so bytes are counted. */
export const CHECK_LIMITS = { outputBytes: 65_535, annotationsPerRequest: 50, actions: 3, actionLabel: 20, actionDescription: 40, actionIdentifier: 20 };

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Accumulated across requests, as GitHub appends them. */
  annotations: Annotation[];
  actions: Array<{ label: string; description: string; identifier: string }>;
  /** Every POST and PATCH body, in order. */
  history: Array<{ method: 'POST' | 'PATCH'; body: Record<string, unknown>; at: string }>;
}

export class CheckStore {
  private readonly byRepo = new Map<number, Map<number, CheckRunRecord>>();

  constructor(private readonly world: World) {}

  list(repo: RepoRecord): CheckRunRecord[] {
    return [...(this.byRepo.get(repo.id)?.values() ?? [])];
  }

  get(repo: RepoRecord, id: number): CheckRunRecord | undefined {
    return this.byRepo.get(repo.id)?.get(id);
  }

  create(repo: RepoRecord, body: Record<string, unknown>): CheckRunRecord {
    validateLimits(body);
    const headSha = String(body.head_sha ?? '');
    if (!this.world.git.commitBySha(repo, headSha)) throw unprocessable(`No commit found for SHA: ${headSha}`);
    const now = this.world.now();
    const run: CheckRunRecord = {
      id: this.world.nextId(),
      name: String(body.name ?? ''),
      head_sha: headSha,
      status: 'queued',
      conclusion: null,
      external_id: null,
      details_url: null,
      started_at: now,
      completed_at: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      actions: [],
      history: [],
    };
    this.apply(run, body, 'POST', now);
    let runs = this.byRepo.get(repo.id);
    if (!runs) this.byRepo.set(repo.id, (runs = new Map()));
    runs.set(run.id, run);
    return run;
  }

  update(repo: RepoRecord, id: number, body: Record<string, unknown>): CheckRunRecord {
    const run = this.get(repo, id);
    if (!run) throw notFound();
    validateLimits(body);
    this.apply(run, body, 'PATCH', this.world.now());
    return run;
  }

  private apply(run: CheckRunRecord, body: Record<string, unknown>, method: 'POST' | 'PATCH', now: string): void {
    if (body.status === 'completed' && typeof body.conclusion !== 'string' && run.conclusion === null) {
      throw unprocessable('Invalid request.\n\n`conclusion` is required when `status` is "completed".');
    }
    run.history.push({ method, body: structuredClone(body), at: now });
    if (typeof body.name === 'string') run.name = body.name;
    for (const field of ['external_id', 'details_url', 'started_at'] as const) {
      if (typeof body[field] === 'string') run[field] = body[field];
    }
    if (typeof body.status === 'string') run.status = body.status;
    if (typeof body.conclusion === 'string') {
      // "Providing conclusion will automatically set the status parameter to completed."
      run.conclusion = body.conclusion;
      run.status = 'completed';
    }
    if (run.status === 'completed') {
      run.completed_at = typeof body.completed_at === 'string' ? body.completed_at : (run.completed_at ?? now);
    }
    const output = body.output as Record<string, unknown> | undefined;
    if (output) {
      for (const field of ['title', 'summary', 'text'] as const) if (typeof output[field] === 'string') run.output[field] = output[field];
      if (Array.isArray(output.annotations)) run.annotations.push(...(output.annotations as Annotation[]));
    }
    if (Array.isArray(body.actions)) run.actions = body.actions as CheckRunRecord['actions'];
  }
}

function validateLimits(body: Record<string, unknown>): void {
  const output = body.output as Record<string, unknown> | undefined;
  for (const field of ['summary', 'text'] as const) {
    const value = output?.[field];
    if (typeof value !== 'string') continue;
    const size = Buffer.byteLength(value, 'utf8');
    if (size > CHECK_LIMITS.outputBytes) {
      throw unprocessable(`Invalid request.\n\nOnly ${CHECK_LIMITS.outputBytes} characters are allowed; ${size} were supplied.`);
    }
  }
  const annotations = output?.annotations;
  if (Array.isArray(annotations) && annotations.length > CHECK_LIMITS.annotationsPerRequest) {
    throw unprocessable(`Invalid request.\n\nFor 'properties/annotations', ${annotations.length} items is more than the maximum of ${CHECK_LIMITS.annotationsPerRequest}.`);
  }
  const actions = body.actions;
  if (!Array.isArray(actions)) return;
  if (actions.length > CHECK_LIMITS.actions) {
    throw unprocessable(`Invalid request.\n\nFor 'properties/actions', ${actions.length} items is more than the maximum of ${CHECK_LIMITS.actions}.`);
  }
  for (const action of actions as Array<Record<string, unknown>>) {
    for (const [field, max] of [['label', CHECK_LIMITS.actionLabel], ['description', CHECK_LIMITS.actionDescription], ['identifier', CHECK_LIMITS.actionIdentifier]] as const) {
      const value = action[field];
      if (typeof value === 'string' && value.length > max) {
        throw unprocessable(`Invalid request.\n\nFor 'properties/${field}', "${value}" is too long (maximum is ${max} characters).`);
      }
    }
  }
}

export function checkRunJson(world: World, repo: RepoRecord, run: CheckRunRecord): Record<string, unknown> {
  const api = `${world.urls.api}/repos/${repo.owner}/${repo.name}`;
  const owner = userJson(world, orgActor(world.org));
  return {
    id: run.id,
    head_sha: run.head_sha,
    node_id: nodeId('CR', run.id),
    external_id: run.external_id,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${world.urls.web}/${repo.owner}/${repo.name}/runs/${run.id}`,
    details_url: run.details_url,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: { ...run.output, annotations_count: run.annotations.length, annotations_url: `${api}/check-runs/${run.id}/annotations` },
    name: run.name,
    check_suite: { id: 1 },
    app: {
      id: world.appId,
      slug: world.appSlug,
      node_id: nodeId('A', world.appId),
      client_id: 'Iv1.fake',
      owner,
      name: world.appSlug,
      description: null,
      external_url: world.urls.web,
      html_url: `${world.urls.web}/apps/${world.appSlug}`,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      permissions: { checks: 'write', contents: 'read', issues: 'write', metadata: 'read', pull_requests: 'read' },
      events: ['check_run', 'check_suite', 'pull_request', 'push'],
    },
    pull_requests: [],
  };
}

export function checkRoutes(router: Router, world: World): void {
  const { repos, checks } = world;
  const repoOf = (req: FakeRequest) => repos.require(req.params.owner!, req.params.repo!);
  const runOf = (req: FakeRequest) => {
    const run = checks.get(repoOf(req), Number(req.params.check_run_id));
    if (!run) throw notFound();
    return run;
  };

  router.post('/repos/{owner}/{repo}/check-runs', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    return ok(checkRunJson(world, repo, checks.create(repo, bodyOf(req))), 201);
  });

  router.patch('/repos/{owner}/{repo}/check-runs/{check_run_id}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    return ok(checkRunJson(world, repo, checks.update(repo, Number(req.params.check_run_id), bodyOf(req))));
  });

  router.get('/repos/{owner}/{repo}/check-runs/{check_run_id}', (req) => ok(checkRunJson(world, repoOf(req), runOf(req))));

  router.get('/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', (req) =>
    paginate(req, runOf(req).annotations, (a) => ({ ...a, blob_href: '' }), { apiBase: world.urls.api }),
  );

  router.get(
    '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    (req) => {
      const repo = repoOf(req);
      const sha = world.git.resolve(repo, req.params.ref!)?.sha ?? req.params.ref!;
      let runs = checks.list(repo).filter((r) => r.head_sha === sha);
      if (req.query.check_name !== undefined) runs = runs.filter((r) => r.name === req.query.check_name);
      if (req.query.status !== undefined) runs = runs.filter((r) => r.status === req.query.status);
      if ((req.query.filter ?? 'latest') === 'latest') {
        const latest = new Map<string, CheckRunRecord>();
        for (const run of runs) latest.set(run.name, run);
        runs = [...latest.values()];
      }
      runs.reverse();
      const page = paginate(req, runs, (r) => checkRunJson(world, repo, r), { apiBase: world.urls.api });
      return { ...page, body: { total_count: runs.length, check_runs: page.body } };
    },
    ['ref'],
  );
}
