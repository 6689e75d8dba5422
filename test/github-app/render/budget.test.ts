import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/plan-types.js';
import { GITHUB_OUTPUT_LIMIT, renderPlan, renderResults } from '../../../src/github-app/render/index.js';
import { change, error, manyChanges, plan, tableRows } from './fixtures.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function expectWithinLimits(output: { summary: string; text: string }) {
  expect(bytes(output.summary)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT);
  expect(bytes(output.text)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT);
}

/** Every table keeps its column count on every row, and fenced blocks are closed. */
function expectWellFormed(markdown: string) {
  const lines = markdown.split('\n');
  let width: number | undefined;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      width = undefined;
      continue;
    }
    const cells = tableRows(line)[0]!.length;
    width ??= cells;
    expect(cells).toBe(width);
  }
  expect(lines.filter((l) => /^```/.test(l)).length % 2).toBe(0);
}

describe('size budget', () => {
  it.each([5_000, 100_000])('a plan of %i changes fits: deletions first in the summary, counts, the first resources and a "more" line', (count) => {
    const changes = manyChanges(count);
    const started = performance.now();
    const output = renderPlan({ plan: plan(changes) });
    const elapsed = performance.now() - started;

    expectWithinLimits(output);
    expectWellFormed(output.summary);
    expectWellFormed(output.text);
    const perAction = (count / 5).toLocaleString('en-US');
    expect(output.title).toBe(`Needs care: ${perAction} destructive · ${perAction} to create, ${perAction} to update, ${perAction} to rename, ${perAction} to delete`);
    expect(output.conclusion).toBe('neutral');
    expect(output.summary).toContain(`| <code>github.repository</code> | ${perAction} | ${perAction} | ${perAction} | ${perAction} | ${perAction} |`);
    // The deletions are one group, pinned before the counts.
    expect(output.summary.indexOf('## Needs care')).toBeLessThan(output.summary.indexOf('| Kind |'));
    expect(output.summary).toContain(`### Delete ${perAction} × <code>github.repository</code>`);
    expect(output.text).toMatch(/_… and [\d,]+ more resources not shown \(GitHub limits a check run to 65,535 bytes\)_/);
    expect(output.text).not.toContain('logs');
    expect(elapsed).toBeLessThan(1_000);
  });

  it('a plan of 5000 changes names every deletion in the summary and counts what the text leaves out', () => {
    const changes = manyChanges(5_000);
    const output = renderPlan({ plan: plan(changes) });
    for (const c of changes.filter((c) => c.action === 'delete')) expect(output.summary).toContain(`<code>${c.name}</code>`);
    expect(output.text).toContain('github.repository/repo-0</code>');
    const notShown = Number(/and ([\d,]+) more resources/.exec(output.text)![1]!.replace(/,/g, ''));
    const shown = (output.text.match(/^### /gm) ?? []).length;
    expect(shown + notShown).toBe(3_000); // creates, updates and renames; deletions are in the summary
  });

  it('with pages, every change of a 3,000-change plan can be reached: summary, text and continuation pages', () => {
    const changes = manyChanges(3_000);
    const output = renderPlan({ plan: plan(changes), context: { pages: true } });
    expect(output.pages!.length).toBeGreaterThan(1);
    for (const page of output.pages!) expect(bytes(page)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT - 500);
    const all = [output.summary, output.text, ...output.pages!].join('\n');
    expect(all).not.toContain('not shown');
    for (const c of changes.filter((c) => c.action !== 'noop')) expect(all).toMatch(new RegExp(`(github\\.repository/)?${c.name}</code>`));
    expect(output.text).toContain(`continued in the PR comment **Converge plan, part 2 of ${output.pages!.length + 1}**`);
  });

  it('stays under the byte limit with multi-byte names and values', () => {
    const changes = manyChanges(3_000, (i) => `仓库-${i}-🚀🚀🚀-名前`).map((c) => ({
      ...c,
      owners: ['@チーム/プラットフォーム'],
      fields: c.fields.map((f) => ({ ...f, after: '説明🎉'.repeat(500) })),
    }));
    const output = renderPlan({
      plan: plan(changes, { readFailures: changes.slice(0, 500).map((c) => ({ ...c, code: 'retryable' as const, retryable: true, message: '読み取り失敗😱'.repeat(100) })) }),
      context: { description: '差分 🧪'.repeat(200) },
    });
    expectWithinLimits(output);
    expect(output.summary).toContain('仓库-0-🚀🚀🚀-名前');
    expect(output.text).toContain('more resources not shown');
    // Long values are shortened, not left out.
    expect(output.text).toContain('説明🎉説明🎉');
    expect(output.text).toContain('…');
    expect(output.text).not.toContain('\uFFFD');
  });

  it('stays within limits when every list is long and every string is huge', () => {
    const long = (i: number) => `${'名'.repeat(5_000)}|\`<${i}>`;
    const changes = Array.from({ length: 2_000 }, (_, i) =>
      change(`kind${i}.${long(i)}`, long(i), i % 2 ? 'delete' : 'update', i % 2 ? [] : [{ path: long(i), before: long(i), after: long(i) }], {
        owners: Array.from({ length: 20 }, () => long(i)),
        ...(i % 2 ? { blocked: long(i) } : {}),
      }),
    );
    const output = renderPlan({
      plan: plan(changes, {
        diagnostics: changes.map((c, i) => ({ ...error(i + 1, long(i)), resource: long(i) })),
        readFailures: changes.map((c) => ({ ...c, code: 'retryable' as const, retryable: true, message: long(0) })),
      }),
      policy: { requestedDeletions: 1_000, capExceeded: true, maxDeletionsPerRun: 5 },
      context: { description: long(0), fileUrl: () => `https://example.com/${long(0)}` },
    });
    expectWithinLimits(output);
    expectWellFormed(output.summary);
    expectWellFormed(output.text);
    expect(output.conclusion).toBe('failure');
    expect(output.summary).toContain('Invalid configuration: 2,000 errors');
    expect(output.summary).toContain('| Kind | Create |');
  });

  it('shows a resource with thousands of fields partially, and the resources after it', () => {
    const huge = change(
      'github.repository',
      'monster',
      'update',
      Array.from({ length: 5_000 }, (_, i) => ({ path: `field${i}`, before: i, after: i + 1 })),
    );
    const output = renderPlan({ plan: plan([huge, change('github.label', 'api/bug', 'create', [{ path: 'color', before: undefined, after: 'fff' }])]) });
    expectWithinLimits(output);
    expectWellFormed(output.text);
    expect(output.text).toMatch(/_… and [\d,]+ more fields not shown_/);
    expect(output.text).toContain('github.label/api/bug');
  });

  it('keeps room for the drift part when the PR part is large', () => {
    const changes: Change[] = [
      ...manyChanges(2_000).filter((c) => c.action === 'update'),
      change('github.team', 'ops', 'update', [{ path: 'privacy', before: 'secret', after: 'closed', drift: true }], { origin: 'drift' }),
    ];
    const output = renderPlan({ plan: plan(changes), maxResources: 10_000 });
    expectWithinLimits(output);
    expect(output.text).toContain('## What merging would also revert (live drift)');
    expect(output.text).toContain('github.team/ops');
  });

  it('bounds the apply results the same way', () => {
    const results = manyChanges(100_000).map((c, i) => ({
      change: c,
      status: (['applied', 'skipped', 'failed'] as const)[i % 3]!,
      message: i % 3 === 1 ? 'prune is off in converge.yml' : i % 3 === 2 ? 'Validation Failed: name already exists ```\n<b>' : undefined,
      attempts: 1,
    }));
    const started = performance.now();
    const output = renderResults({ results });
    expect(performance.now() - started).toBeLessThan(1_000);
    expectWithinLimits(output);
    expectWellFormed(output.summary);
    expectWellFormed(output.text);
    expect(output.text).toMatch(/more results not shown/);
  });
});
