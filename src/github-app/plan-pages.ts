import type { GitHubClient, RepoRef } from './client.js';

const PAGE_MARKER = /<!-- converge:plan-page:(\d+) -->/;
const markerOf = (part: number) => `<!-- converge:plan-page:${part} -->`;

/**
 * A plan too long for its check run continues in PR comments, one per part (the check run is
 * part 1), each found again by a hidden marker and edited in place on the next push. Parts an
 * earlier, longer plan left behind are marked superseded, so no stale part reads as current.
 * Costs one listing plus one write per part that changed; a plan that fits costs nothing.
 */
export async function postPlanPages(client: GitHubClient, ref: RepoRef, pullNumber: number, sha: string, pages: readonly string[], checkRunUrl?: string): Promise<void> {
  if (pages.length === 0) return;
  const comments = await client.paginate(client.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: pullNumber, per_page: 100 });
  const byPart = new Map<number, { id: number; body?: string }>();
  for (const comment of comments) {
    const part = PAGE_MARKER.exec(comment.body ?? '')?.[1];
    if (part !== undefined && !byPart.has(Number(part))) byPart.set(Number(part), comment);
  }
  const total = pages.length + 1;
  const first = checkRunUrl ? `[the check run](${checkRunUrl})` : 'the check run';
  const write = async (part: number, body: string) => {
    const text = `${markerOf(part)}\n${body}`;
    const existing = byPart.get(part);
    if (existing && existing.body === text) return;
    if (existing) await client.rest.issues.updateComment({ owner: ref.owner, repo: ref.repo, comment_id: existing.id, body: text });
    else await client.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: pullNumber, body: text });
  };
  for (const [index, page] of pages.entries()) {
    const part = index + 2;
    await write(part, `## Converge plan, part ${part} of ${total}\n\n_For commit ${sha.slice(0, 7)}; part 1 is ${first}._\n\n${page}`);
  }
  for (const part of [...byPart.keys()].filter((p) => p > total).sort((a, b) => a - b)) {
    await write(part, `## Converge plan, part ${part}\n\n_Superseded: the plan for ${sha.slice(0, 7)} has ${total} parts._`);
  }
}
