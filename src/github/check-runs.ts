import { chunkAnnotations, type CheckOutput } from '../core/render/index.js';
import type { GitHubClient } from '../providers/deps.js';
import type { RepoRef } from './snapshot.js';

/** A finished check run: rendered output plus its conclusion. */
export type CheckResult = Pick<CheckOutput, 'title' | 'summary' | 'conclusion'> & Partial<Pick<CheckOutput, 'text' | 'annotations'>>;

export async function startCheckRun(
  client: GitHubClient,
  ref: RepoRef,
  input: { name: string; headSha: string; externalId: string; title: string },
): Promise<number> {
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
