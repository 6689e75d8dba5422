import { chunkAnnotations, type CheckOutput } from './render/index.js';
import type { GitHubClient, RepoRef } from './client.js';

/** A finished check run: rendered output plus its conclusion. */
export type CheckResult = Pick<CheckOutput, 'title' | 'summary' | 'conclusion'> & Partial<Pick<CheckOutput, 'text' | 'annotations'>>;

/**
 * Opens an in-progress check run, or takes over `resume` (one an earlier attempt of the same
 * job opened on the same commit) so that a retried job never leaves a check run in progress.
 */
export async function startCheckRun(
  client: GitHubClient,
  ref: RepoRef,
  input: { name: string; headSha: string; externalId: string; title: string; resume?: number | undefined },
): Promise<number> {
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
