import { describe, expect, it } from 'vitest';
import type { Change, ReadFailure } from '../../../src/core/plan-types.js';
import { OUTPUT_BUDGET, renderDriftReport, renderFullRunOutput, type DriftReportInput } from '../../../src/github-app/render/index.js';
import { change, tableRows, visible } from './fixtures.js';

const SHA = 'abc1234def5678abc1234def5678abc1234def56';
const REPO = 'https://github.com/acme/config';

const handChange = change('github.repository', 'api', 'update', [{ path: 'description', before: 'changed in the UI', after: 'as declared' }], {
  owners: ['@acme/platform', 'alice'],
  source: { file: 'repos/api.yml', line: 3, column: 1 },
});
const missingLabel = change(
  'github.label',
  'api/bug',
  'create',
  [
    { path: 'color', before: undefined, after: 'd73a4a' },
    { path: 'description', before: undefined, after: 'Something is broken' },
  ],
  { origin: 'drift', owners: ['@octocat'], source: { file: 'repos/api.yml', line: 12, column: 1 } },
);
const strayRepo = change('github.repository', 'stray', 'delete', [], {
  origin: 'extraneous',
  source: undefined,
  actual: { description: 'made by hand', visibility: 'private' },
  blocked: 'prune is off in converge.yml',
});

function input(changes: Change[], extra: Partial<DriftReportInput> = {}): DriftReportInput {
  return {
    changes,
    drift: { mode: 'report', kinds: {} },
    run: { sha: SHA, checkRunUrl: `${REPO}/runs/77`, commitUrl: `${REPO}/commit/${SHA}` },
    defaultOwners: ['@acme/admins'],
    fileUrl: (file, line) => `${REPO}/blob/${SHA}/${file}#L${line}`,
    now: new Date('2026-12-03T14:02:31Z'),
    ...extra,
  };
}

/** The `### ` section of the body about `key`. */
function section(body: string, key: string): string {
  const start = body.indexOf(`${key}</code>\n`);
  expect(start).toBeGreaterThan(-1);
  const from = body.lastIndexOf('### ', start);
  const next = body.indexOf('\n## ', start) >= 0 ? Math.min(...[body.indexOf('\n### ', start), body.indexOf('\n## ', start)].filter((i) => i >= 0)) : body.length;
  return body.slice(from, next);
}

const historyOf = (body: string) => body.slice(body.indexOf('## History')).split('\n').filter((l) => l.startsWith('- '));

describe('renderDriftReport', () => {
  const body = renderDriftReport(input([handChange, missingLabel, strayRepo]));

  it('says which kind each item is, with counts first and the risky item first', () => {
    expect(body.startsWith('**3 items:** 1 drifted, 1 extraneous, 1 missing\n')).toBe(true);
    const headings = body.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual([
      '### 🛑 Extraneous: <code>github.repository/stray</code>',
      '### Drifted: <code>github.repository/api</code>',
      '### Missing: <code>github.label/api/bug</code>',
    ]);
    expect(body).toContain('🛑 **Destructive to revert:** Deletes github.repository/stray.');
  });

  it('speaks of what differs, never of what a run would apply', () => {
    expect(body).not.toMatch(/would apply|Changes from the configuration|Live drift this run reverts|Before|After/);
    expect(section(body, 'github.repository/api')).toContain('Live differs from the configuration.');
    expect(section(body, 'github.repository/stray')).toContain('Found live, not declared in the configuration.');
    expect(section(body, 'github.label/api/bug')).toContain('Declared in the configuration, not found live.');
  });

  it('shows live against declared values: both for drift, declared only when missing, a live summary when extraneous', () => {
    expect(tableRows(section(body, 'github.repository/api')).map((r) => r.map((c) => visible(c).trim()))).toEqual([
      ['Field', 'Live', 'Declared'],
      ['---', '---', '---'],
      ['<code>description</code>', '<code>"changed in the UI"</code>', '<code>"as declared"</code>'],
    ]);
    const missing = tableRows(section(body, 'github.label/api/bug')).map((r) => r.map((c) => visible(c).trim()));
    expect(missing[0]).toEqual(['Field', 'Declared']);
    expect(missing.slice(2).map((r) => r[0])).toEqual(['<code>color</code>', '<code>description</code>']);
    const stray = section(body, 'github.repository/stray');
    expect(tableRows(stray)).toEqual([]);
    expect(visible(stray)).toContain('**Live:** <code>{"description":"made by hand","visibility":"private"}</code>');
  });

  it('mentions owners that start with @ and leaves plain names as code, falling back to the default owners', () => {
    expect(section(body, 'github.repository/api')).toContain('Owners: @acme/platform, <code>alice</code>');
    expect(section(body, 'github.label/api/bug')).toContain('Owners: @octocat');
    expect(section(body, 'github.repository/stray')).toContain('Owners: @acme/admins');
    const odd = renderDriftReport(input([{ ...handChange, owners: ['@evil<img>', '@-x'] }]));
    expect(odd).toContain('Owners: <code>@evil\\<img\\></code>, <code>@-x</code>');
  });

  it('links where each item is declared, the full run and the commit', () => {
    expect(section(body, 'github.repository/api')).toContain(`Declared in [repos/api.yml:3](${REPO}/blob/${SHA}/repos/api.yml#L3)`);
    expect(body).toContain(`by the [full run](${REPO}/runs/77) at [<code>abc1234</code>](${REPO}/commit/${SHA})`);
  });

  it('says how to resolve each item, one line per way', () => {
    const lines = (key: string) => section(body, key).split('\n').filter((l) => l.startsWith('- **')).map((l) => visible(l).replace(/<\/?code>/g, '`'));
    expect(lines('github.repository/api')).toEqual([
      `- **Revert:** set \`drift.kinds: { github.repository: revert }\` (or \`drift.mode: revert\`) in converge.yml and comment \`/converge full-run\`, or merge a PR that touches [repos/api.yml:3](${REPO}/blob/${SHA}/repos/api.yml#L3).`,
      `- **Declare it by PR:** set \`description\` to the live value in [repos/api.yml:3](${REPO}/blob/${SHA}/repos/api.yml#L3).`,
      "- **Exclude it:** list `description` under the resource's `lifecycle.ignoreFields`.",
    ]);
    expect(lines('github.repository/stray')).toEqual([
      '- **Revert:** set `drift.kinds: { github.repository: revert }` (or `drift.mode: revert`) in converge.yml and comment `/converge full-run` (held back now: prune is off in converge.yml).',
      '- **Declare it by PR:** add a resource file with `kind: github.repository`, `name: stray`.',
      '- **Exclude it by scope:** add `stray` to `scope.github.repository.exclude` in converge.yml.',
    ]);
    expect(lines('github.label/api/bug')[1]).toMatch(/^- \*\*Declare it by PR:\*\* remove it from \[repos\/api.yml:12\]/);
  });

  it('says the full run reverts a kind in revert mode when asked', () => {
    const reverting = renderDriftReport(input([missingLabel], { drift: { mode: 'report', kinds: { 'github.label': 'revert' } } }));
    expect(visible(reverting)).toContain(
      '- **Revert:** an admin comments <code>/converge full-run</code> here: <code>github.label</code> drift is in <code>revert</code> mode, so the run creates it.',
    );
  });

  it('names what could not be read, counted apart', () => {
    const failure: ReadFailure = { kind: 'mem.widget', target: 'default', name: 'b', code: 'connection', retryable: true, message: 'read timed out' };
    const out = renderDriftReport(input([handChange], { readFailures: [failure] }));
    expect(out.startsWith('**2 items:** 1 drifted, 1 could not be read')).toBe(true);
    expect(section(out, 'mem.widget/b')).toContain('Its live state is unknown: read timed out');
  });
});

describe('the history of a drift issue', () => {
  const at = (iso: string) => new Date(iso);
  const first = renderDriftReport(input([handChange, missingLabel], { now: at('2026-12-03T14:02:00Z') }));

  it('starts with what appeared', () => {
    expect(historyOf(first)).toEqual([
      '- 2026-12-03 14:02 UTC — appeared: <code>github.repository/api</code> (description), <code>github.label/api/bug</code> (missing)',
    ]);
  });

  it('comes back unchanged, links and date included, when the next run finds the same', () => {
    const again = input([handChange, missingLabel], { now: at('2026-12-04T09:00:00Z'), previous: first, run: { sha: 'f'.repeat(40), checkRunUrl: `${REPO}/runs/99` } });
    expect(renderDriftReport(again)).toBe(first);
  });

  it('records what was resolved, appeared and changed, newest first, and links the run that changed it', () => {
    const changed = { ...handChange, fields: [{ path: 'description', before: 'changed again', after: 'as declared' }] };
    const second = renderDriftReport(input([changed, strayRepo], { now: at('2026-12-04T09:30:00Z'), previous: first, run: { sha: 'f'.repeat(40), checkRunUrl: `${REPO}/runs/99` } }));
    expect(historyOf(second)).toEqual([
      '- 2026-12-04 09:30 UTC — appeared: <code>github.repository/stray</code> (found live)',
      '- 2026-12-04 09:30 UTC — changed: <code>github.repository/api</code> (description)',
      '- 2026-12-04 09:30 UTC — resolved: <code>github.label/api/bug</code>',
      '- 2026-12-03 14:02 UTC — appeared: <code>github.repository/api</code> (description), <code>github.label/api/bug</code> (missing)',
    ]);
    expect(second).toContain(`Last changed 2026-12-04 09:30 UTC by the [full run](${REPO}/runs/99)`);
    expect(second).not.toContain('### Missing');
  });

  it('keeps at most 20 lines', () => {
    let body: string | undefined;
    for (let i = 0; i < 30; i++) {
      const value = { ...handChange, fields: [{ path: 'description', before: `edit ${i}`, after: 'as declared' }] };
      body = renderDriftReport(input([value], { now: new Date(Date.UTC(2026, 11, 3, 10, i)), ...(body ? { previous: body } : {}) }));
    }
    const history = historyOf(body!);
    expect(history).toHaveLength(20);
    expect(history[0]).toMatch(/^- 2026-12-03 10:29 UTC — changed:/);
    expect(history.at(-1)).toMatch(/^- 2026-12-03 10:10 UTC — changed:/);
  });

  it('never hashes a secret value into the body', () => {
    const secret = { ...handChange, fields: [{ path: 'webhookSecret', before: 'hunter2', after: 'swordfish' }] };
    const other = { ...handChange, fields: [{ path: 'webhookSecret', before: 'letmein', after: 'swordfish' }] };
    const a = renderDriftReport(input([secret]));
    expect(a).not.toContain('hunter2');
    expect(renderDriftReport(input([other], { previous: a, now: at('2026-12-05T00:00:00Z') }))).toBe(a);
  });
});

describe('a drift report of a large org', () => {
  const strays = (n: number) => Array.from({ length: n }, (_, i) => ({ ...strayRepo, name: `stray-${String(i).padStart(5, '0')}` }));

  it('fits the issue body, says how many it left out, and still tells a change apart', () => {
    const body = renderDriftReport(input(strays(3_000)));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(OUTPUT_BUDGET - 1_000);
    expect(body.startsWith('**3,000 items:** 3,000 extraneous')).toBe(true);
    expect(body).toMatch(/_… and [\d,]+ more items not shown/);
    expect(historyOf(body)).toEqual([expect.stringMatching(/appeared: .* and 2,995 more$/)]);
    const next = renderDriftReport(input(strays(3_001), { previous: body, now: new Date('2026-12-05T08:00:00Z') }));
    expect(historyOf(next)[0]).toBe('- 2026-12-05 08:00 UTC — changed: 3,000 → 3,001 items (too many to track one by one)');
  });
});

describe('renderFullRunOutput', () => {
  const issues = [{ number: 12, url: `${REPO}/issues/12` }];

  it('says in title and summary what is left and where, never "Nothing to apply"', () => {
    const out = renderFullRunOutput({ reverted: [], remaining: [handChange, strayRepo], readFailures: [], issues });
    expect(out.title).toBe('0 reverted, 1 drifted, 1 extraneous left (#12)');
    expect(out.summary).toMatch(/^⚠️ \*\*2 items left: 1 drifted, 1 extraneous\.\*\* The live state differs from the configuration; see \[#12\]\(https:\/\/github.com\/acme\/config\/issues\/12\)\./);
    expect(out.summary).toContain('- drifted: <code>github.repository/api</code>');
    expect(`${out.summary}${out.text}`).not.toMatch(/Nothing to apply|already matches/);
    expect(out.conclusion).toBe('neutral');
  });

  it('reports the reverted changes in detail and, with nothing left, no drift', () => {
    const out = renderFullRunOutput({ reverted: [{ change: handChange, status: 'applied', attempts: 1 }], remaining: [], readFailures: [], issues: [] });
    expect(out.title).toBe('1 reverted, no drift left');
    expect(out.summary).toMatch(/^✅ \*\*1 resource reverted\.\*\* The live state now matches the configuration\./);
    expect(out.summary).toContain('## Reverting\n\n✅ **1 change applied.**');
    expect(out.text).toContain('github.repository/api');
    expect(out.conclusion).toBe('success');
    expect(renderFullRunOutput({ reverted: [], remaining: [], readFailures: [], issues: [] }).summary).toBe('✅ **No drift.** The live state matches the configuration.');
  });
});
