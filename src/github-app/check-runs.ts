import { chunkAnnotations, type CheckOutput } from './render/index.js';
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './errors.js';

/** A finished check run: rendered output plus its conclusion. */
export type CheckResult = Pick<CheckOutput, 'title' | 'summary' | 'conclusion'> & Partial<Pick<CheckOutput, 'text' | 'annotations'>>;

/** What a check run is opened with: its name, commit, our id for it, and its title while it runs. */
export interface CheckRunSpec {
  name: string;
  headSha: string;
  externalId: string;
  title: string;
  /** A check run an earlier attempt of this job opened on the same commit: taken over, not duplicated. */
  resume?: number | undefined;
  /**
   * This attempt follows one that may have died between opening its check run and recording
   * its id: without `resume`, an in-progress check run of the same name and external id on the
   * commit is looked up (one request) and taken over.
   */
  adoptOrphan?: boolean | undefined;
}

/** The newest in-progress check run of `input`'s name and external id on its commit. */
async function findOrphan(client: GitHubClient, ref: RepoRef, input: CheckRunSpec): Promise<number | undefined> {
  const { data } = await client.rest.checks.listForRef({ owner: ref.owner, repo: ref.repo, ref: input.headSha, check_name: input.name, status: 'in_progress', filter: 'all', per_page: 100 });
  return data.check_runs.filter((run) => run.external_id === input.externalId).sort((a, b) => b.id - a.id)[0]?.id;
}

/**
 * Opens an in-progress check run, or takes over `resume` (one an earlier attempt of the same
 * job opened on the same commit) so that a retried job never leaves a check run in progress.
 */
export async function startCheckRun(client: GitHubClient, ref: RepoRef, input: CheckRunSpec): Promise<number> {
  if (input.resume !== undefined) {
    const resumed = await client.rest.checks
      .update({ owner: ref.owner, repo: ref.repo, check_run_id: input.resume, status: 'in_progress', output: { title: input.title, summary: input.title } })
      .then(
        () => true,
        (error: { status?: number }) => {
          if (error.status === 404) return false;
          throw error;
        },
      );
    if (resumed) return input.resume;
  }
  const { data } = await client.rest.checks.create({
    owner: ref.owner,
    repo: ref.repo,
    name: input.name,
    head_sha: input.headSha,
    external_id: input.externalId,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    output: { title: input.title, summary: input.title },
  });
  return data.id;
}

/**
 * Complete a check run. Annotations beyond the first 50 go out in further updates, since
 * GitHub takes 50 per request and appends them.
 */
export async function finishCheckRun(client: GitHubClient, ref: RepoRef, checkRunId: number, result: CheckResult): Promise<void> {
  const [first = [], ...rest] = chunkAnnotations(result.annotations ?? []);
  const output = { title: result.title, summary: result.summary, ...(result.text ? { text: result.text } : {}) };
  for (const annotations of rest) {
    await client.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: checkRunId, output: { ...output, annotations } });
  }
  await client.rest.checks.update({
    owner: ref.owner,
    repo: ref.repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...output, annotations: first },
  });
}

/** A check run created finished, in one request (more only for annotations past 50). */
async function createFinishedCheckRun(client: GitHubClient, ref: RepoRef, input: CheckRunSpec, result: CheckResult): Promise<number> {
  const [first = [], ...rest] = chunkAnnotations(result.annotations ?? []);
  const output = { title: result.title, summary: result.summary, ...(result.text ? { text: result.text } : {}) };
  const now = new Date().toISOString();
  const { data } = await client.rest.checks.create({
    owner: ref.owner,
    repo: ref.repo,
    name: input.name,
    head_sha: input.headSha,
    external_id: input.externalId,
    status: 'completed',
    conclusion: result.conclusion,
    started_at: now,
    completed_at: now,
    output: { ...output, annotations: first },
  });
  // GitHub appends the annotations of each update to the ones the check run has.
  for (const annotations of rest) await client.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: data.id, output: { ...output, annotations } });
  return data.id;
}

/**
 * A job's check run, opened only when the job takes long enough to be worth showing in
 * progress: a job done within `openAfter`'s delay reports in one request, a finished check
 * run, instead of an open one and its update.
 */
export class PendingCheckRun {
  private opened: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resumed: Promise<number | undefined> | undefined;

  constructor(
    private readonly client: GitHubClient,
    private readonly ref: RepoRef,
    private readonly spec: CheckRunSpec,
    /** Told the id of each check run this opens (not `resume`'s), so that a retry can take it over. */
    private readonly onOpened: (id: number) => Promise<void>,
  ) {}

  /** Opens it in progress now (and waits), or opens it when `delayMs` have passed and it is not finished yet. */
  async openAfter(delayMs: number, onError: (error: unknown) => void): Promise<void> {
    if (delayMs <= 0) {
      await this.open();
      return;
    }
    this.timer = setTimeout(() => void this.open().catch(onError), delayMs);
    this.timer.unref();
  }

  /** The check run to take over, if any: `resume`, or an orphan when asked to look. */
  private resume(): Promise<number | undefined> {
    this.resumed ??= this.spec.resume === undefined && this.spec.adoptOrphan ? findOrphan(this.client, this.ref, this.spec) : Promise.resolve(this.spec.resume);
    return this.resumed;
  }

  /** Opens it in progress unless it is already; its id. */
  open(): Promise<number> {
    this.opened ??= this.resume().then(async (resume) => {
      const id = await startCheckRun(this.client, this.ref, { ...this.spec, resume });
      if (id !== resume) await this.onOpened(id);
      return id;
    });
    return this.opened;
  }

  /** Completes it with `result`, creating it finished when it was never opened; its id. */
  async finish(result: CheckResult): Promise<number> {
    clearTimeout(this.timer);
    // An open that failed leaves nothing to update: the finished one is created instead.
    const id = this.opened ? await this.opened.catch(() => undefined) : await this.resume();
    if (id !== undefined) {
      try {
        await finishCheckRun(this.client, this.ref, id, result);
        return id;
      } catch (error) {
        // Only a taken-over check run can be gone (deleted with its suite); it is then created anew.
        if (this.opened || statusOf(error) !== 404) throw error;
      }
    }
    const created = await createFinishedCheckRun(this.client, this.ref, this.spec, result);
    await this.onOpened(created);
    return created;
  }
}

/** Show how far a check run that is still running has got (its status stays in_progress). */
export async function updateCheckRun(
  client: GitHubClient,
  ref: RepoRef,
  checkRunId: number,
  output: { title: string; summary: string; text?: string },
): Promise<void> {
  await client.rest.checks.update({ owner: ref.owner, repo: ref.repo, check_run_id: checkRunId, status: 'in_progress', output });
}

/** The check run's page, as a link for logs and comments (honours GHE_HOST). */
export function checkRunUrl(webUrl: string, ref: RepoRef, checkRunId: number): string {
  return `${webUrl}/${ref.owner}/${ref.repo}/runs/${checkRunId}`;
}
