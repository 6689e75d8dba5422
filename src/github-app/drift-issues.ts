import type { GitHubClient, RepoRef } from './client.js';

export interface DriftReport {
  /** Stable key of what the issue is about: `all` for the single issue, else a resource key. */
  key: string;
  title: string;
  /**
   * The issue's body, given the open issue's body as it stands (without the marker), from
   * which the report carries its history forward. Returning it unchanged edits nothing.
   */
  body(previous: string | undefined): string;
}

const markerFor = (key: string) => `<!-- converge:drift:${encodeURIComponent(key)} -->`;
const MARKER_PATTERN = /<!-- converge:drift:([^ ]+) -->/;
const BODY_LIMIT = 65_000;

export interface DriftIssueOutcome {
  opened: number[];
  updated: number[];
  /** Open issues whose report did not change: left as they are. */
  unchanged: number[];
  closed: number[];
}

/** How a sync may go beyond the full run's: see syncDriftIssues. */
export interface DriftSyncScope {
  /**
   * Only issues with these keys are this sync's to close; other open drift issues are left as
   * they are (a drift check of a few resources knows nothing of the others). Default: all.
   */
  only?: ReadonlySet<string>;
  /** The comment an issue is closed with once nothing is left in it. */
  resolvedComment?: string;
}

/** A report list, or one built from the open issues' bodies (without their markers), by key. */
export type DriftReports = DriftReport[] | ((open: ReadonlyMap<string, string | undefined>) => DriftReport[]);

/**
 * Make the open drift issues match the reports: update the issue carrying a report's hidden
 * marker (never matched by title) when its title or body differs, open one where none exists,
 * and close, with a comment, every open drift issue whose key has no report any more.
 */
export async function syncDriftIssues(
  client: GitHubClient,
  ref: RepoRef,
  given: DriftReports,
  labels: string[],
  scope: DriftSyncScope = {},
): Promise<DriftIssueOutcome> {
  const open = await client.paginate(client.rest.issues.listForRepo, {
    owner: ref.owner,
    repo: ref.repo,
    state: 'open',
    labels: labels[0] ?? '',
    per_page: 100,
  });
  const byKey = new Map<string, (typeof open)[number]>();
  const duplicates: Array<(typeof open)[number]> = [];
  for (const issue of open.sort((a, b) => a.number - b.number)) {
    if (issue.pull_request) continue;
    const key = issue.body?.match(MARKER_PATTERN)?.[1];
    if (!key) continue;
    const decoded = decodeURIComponent(key);
    if (byKey.has(decoded)) duplicates.push(issue);
    else byKey.set(decoded, issue);
  }

  const bodyOf = (key: string, issue: (typeof open)[number] | undefined) => {
    const marker = `${markerFor(key)}\n`;
    return issue?.body?.startsWith(marker) ? issue.body.slice(marker.length) : (issue?.body ?? undefined);
  };
  const reports = typeof given === 'function' ? given(new Map([...byKey].map(([key, issue]) => [key, bodyOf(key, issue)]))) : given;
  const outcome: DriftIssueOutcome = { opened: [], updated: [], unchanged: [], closed: [] };
  const wanted = new Set<string>();
  for (const report of reports) {
    wanted.add(report.key);
    const marker = `${markerFor(report.key)}\n`;
    const existing = byKey.get(report.key);
    const previous = bodyOf(report.key, existing);
    const body = `${marker}${report.body(previous)}`.slice(0, BODY_LIMIT);
    if (existing) {
      if (existing.body !== body || existing.title !== report.title) {
        await client.rest.issues.update({ owner: ref.owner, repo: ref.repo, issue_number: existing.number, title: report.title, body });
        outcome.updated.push(existing.number);
      } else {
        outcome.unchanged.push(existing.number);
      }
    } else {
      const { data } = await client.rest.issues.create({ owner: ref.owner, repo: ref.repo, title: report.title, body, labels });
      outcome.opened.push(data.number);
    }
  }

  const closing = [...[...byKey].filter(([key]) => !wanted.has(key) && (scope.only?.has(key) ?? true)).map(([, issue]) => issue), ...duplicates];
  for (const issue of closing) {
    const resolved = !duplicates.includes(issue);
    await client.rest.issues.createComment({
      owner: ref.owner,
      repo: ref.repo,
      issue_number: issue.number,
      body: resolved ? (scope.resolvedComment ?? 'The latest full run found no drift here any more. Closing.') : 'A newer drift issue covers the same resources. Closing this duplicate.',
    });
    await client.rest.issues.update({ owner: ref.owner, repo: ref.repo, issue_number: issue.number, state: 'closed', state_reason: resolved ? 'completed' : 'not_planned' });
    outcome.closed.push(issue.number);
  }
  return outcome;
}
