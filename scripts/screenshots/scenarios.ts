/**
 * What the README's screenshots show: plain Change values, as a large organisation's plans
 * and applies produce them, passed to the real renderers. No network, no provider. A new kind
 * of output (the drift issue) is one more entry in `SCENARIOS`.
 */
import type { Change, ChangeResult, FieldChange } from '../../src/core/plan-types.js';
import { DEFAULT_TARGET } from '../../src/core/resource.js';
import { type CheckOutput, driftIssueTitle, renderDriftReport, renderPlan, renderResults } from '../../src/github-app/render/index.js';

/** The GitHub page a reviewer reads the output on. */
export type Frame =
  | { kind: 'check-run'; name: string; output: CheckOutput }
  | { kind: 'issue'; title: string; body: string };

export interface Scenario {
  /** PNG file name in docs/screenshots/. */
  file: string;
  frame(): Frame;
  /** Only the top of a long page, in CSS pixels: what a reader sees first. Default: 2,400. */
  maxHeight?: number;
}

const REPO = 'https://github.com/acme/config';
const HEAD = 'def5678a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e';
const fileUrl = (file: string, line: number) => `${REPO}/blob/${HEAD}/${file}#L${line}`;
const defaultsLine = (line: number) => ({ file: 'defaults/repositories.yml', line, column: 5 });

function change(kind: string, name: string, action: Change['action'], fields: FieldChange[], extra: Partial<Change> = {}): Change {
  return {
    kind,
    target: DEFAULT_TARGET,
    name,
    action,
    fields,
    origin: action === 'delete' ? 'removed' : 'model',
    owners: [],
    source: { file: `${kind.slice('github.'.length)}/${name}.yml`, line: 1, column: 1 },
    ...extra,
  };
}

const repoName = (i: number) => `service-${String(i).padStart(4, '0')}`;

/** An onboarding PR: labels for 3,000 repositories, a defaults switch on 1,999 more, and one admin grant. */
function riskyPlan(): CheckOutput {
  const labels = Array.from({ length: 3_000 }, (_, i) =>
    change('github.label', `${repoName(i)}/needs-triage`, 'create', [
      { path: 'color', before: undefined, after: 'fbca04' },
      { path: 'description', before: undefined, after: 'New issue, not yet looked at' },
    ]),
  );
  const mergeCleanup = Array.from({ length: 1_999 }, (_, i) =>
    change('github.repository', repoName(3_000 + i), 'update', [{ path: 'delete_branch_on_merge', before: false, after: true, source: defaultsLine(12) }]),
  );
  const grant = change('github.team-repository', 'platform/payments-api', 'update', [{ path: 'permission', before: 'push', after: 'admin' }], {
    risk: { level: 'sensitive', reason: 'Grants team platform admin on payments-api (was push).' },
    owners: ['@acme/platform-leads'],
  });
  const changes = [...labels.slice(0, 2_100), grant, ...labels.slice(2_100), ...mergeCleanup];
  return renderPlan({
    plan: { changes, diagnostics: [], readFailures: [] },
    context: {
      description: 'Delta from 1a2b3c4 (merge base) to def5678.',
      fileUrl,
      pages: true,
      changedFiles: new Set(['defaults/repositories.yml', 'team-repository/platform/payments-api.yml']),
    },
  });
}

/** A one-line defaults change: wikis off on 4,800 repositories. */
function groupedPlan(): CheckOutput {
  const changes = Array.from({ length: 4_800 }, (_, i) =>
    change('github.repository', repoName(i), 'update', [{ path: 'features.wiki', before: true, after: false, source: defaultsLine(6) }]),
  );
  return renderPlan({
    plan: { changes, diagnostics: [], readFailures: [] },
    context: { description: 'Delta from 1a2b3c4 (merge base) to def5678.', fileUrl, pages: true, changedFiles: new Set(['defaults/repositories.yml']) },
  });
}

/** The apply after a merge: most changes applied, one rejected by GitHub, a deletion held by policy. */
function applyWithFailure(): CheckOutput {
  const applied = ['api', 'web', 'docs', 'billing', 'search', 'mobile'].map((repo, i): ChangeResult => ({
    change: change('github.repository', repo, 'update', [
      { path: 'description', before: `The ${repo} service`, after: `The ${repo} service (owned by team ${i % 2 ? 'web' : 'platform'})` },
      { path: 'topics', before: ['service'], after: ['service', repo] },
    ]),
    status: 'applied',
    attempts: 1,
  }));
  const failed: ChangeResult = {
    change: change('github.ruleset', 'api/protect-main', 'create', [
      { path: 'enforcement', before: undefined, after: 'active' },
      { path: 'rules.required_status_checks', before: undefined, after: ['ci/build', 'ci/test'] },
    ]),
    status: 'failed',
    message: 'Validation Failed: {"resource":"Repository","code":"custom","message":"Required status checks must be set up for this repository"} (HTTP 422)',
    attempts: 1,
  };
  const skipped: ChangeResult = {
    change: change('github.team', 'contractors-2023', 'delete', [], { blocked: 'prune is off in converge.yml' }),
    status: 'skipped',
    message: 'prune is off in converge.yml',
    attempts: 0,
  };
  return renderResults({ results: [...applied.slice(0, 2), failed, ...applied.slice(2), skipped], context: { description: 'Converged 1a2b3c4..def5678.', subject: 'commit' } });
}

/** A report-mode drift issue: one hand change, one extraneous repository, one missing label. */
function driftIssue(): Frame {
  const hand = change('github.repository', 'api', 'update', [{ path: 'description', before: 'Edited in the web UI', after: 'Public API' }], { origin: 'drift', owners: ['@acme/platform'] });
  const stray = change('github.repository', 'scratch-2026', 'delete', [], { origin: 'extraneous', source: undefined, actual: { description: 'tmp', visibility: 'private' }, blocked: 'prune is off in converge.yml' });
  const label = change('github.label', 'api/security', 'create', [{ path: 'color', before: undefined, after: 'b60205' }], { origin: 'drift', owners: ['@acme/security'] });
  const changes = [hand, stray, label];
  const body = renderDriftReport({
    changes,
    drift: { mode: 'report', kinds: {} },
    run: { sha: HEAD, checkRunUrl: `${REPO}/runs/4242`, commitUrl: `${REPO}/commit/${HEAD}` },
    defaultOwners: ['@acme/admins'],
    fileUrl,
    now: new Date('2026-12-03T06:00:00Z'),
  });
  return { kind: 'issue', title: driftIssueTitle(changes, []), body };
}

export const SCENARIOS: readonly Scenario[] = [
  { file: 'drift.png', frame: driftIssue },
  { file: 'plan-risky.png', frame: () => ({ kind: 'check-run', name: 'Converge plan', output: riskyPlan() }) },
  { file: 'plan-grouped.png', frame: () => ({ kind: 'check-run', name: 'Converge plan', output: groupedPlan() }) },
  { file: 'results.png', frame: () => ({ kind: 'check-run', name: 'Converge apply', output: applyWithFailure() }) },
];
