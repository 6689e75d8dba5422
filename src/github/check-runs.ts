import type { GitHubClient } from '../providers/deps.js';
import type { RepoRef } from './snapshot.js';

export type Conclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'action_required';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export interface CheckResult {
  conclusion: Conclusion;
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
  actions?: Array<{ label: string; description: string; identifier: string }>;
}

/** GitHub accepts at most this many annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

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
  const annotations = result.annotations ?? [];
  const output = { title: result.title, summary: result.summary, ...(result.text ? { text: result.text } : {}) };
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await client.rest.checks.update({
      owner: ref.owner,
      repo: ref.repo,
      check_run_id: checkRunId,
      output: { ...output, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) },
    });
  }
  await client.rest.checks.update({
    owner: ref.owner,
    repo: ref.repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...output, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) },
    ...(result.actions ? { actions: result.actions } : {}),
  });
}
