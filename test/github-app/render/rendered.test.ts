/**
 * The check-run outputs as a reviewer reads them on GitHub: rendered to HTML, then checked
 * for structure (headings, tables, links, visible text) rather than Markdown source. Each
 * kind of output is one entry in `outputs`; every entry gets the same reader's checks.
 */
import { describe, expect, it } from 'vitest';
import type { Change, ChangeResult } from '../../../src/core/plan-types.js';
import { RISK_LEVELS, type RiskLevel, riskOf, riskRank } from '../../../src/core/risk.js';
import { renderDriftReport, renderPlan, renderResults } from '../../../src/github-app/render/index.js';
import { type RenderedMarkdown, renderMarkdown } from '../../support/markdown.js';
import { change, plan } from './fixtures.js';

const fileUrl = (file: string, line: number) => `https://github.com/acme/config/blob/abc1234/${file}#L${line}`;
const routine = { level: 'routine' as const, reason: 'Nothing is removed, exposed or granted beyond the configuration.' };

const edits = Array.from({ length: 24 }, (_, i) =>
  change('github.repository', `repo-${i}`, 'update', [{ path: 'description', before: `old ${i}`, after: `new ${i}` }], { risk: routine }),
);
const labels = ['api', 'web', 'docs'].map((repo) => change('github.label', `${repo}/bug`, 'create', [{ path: 'color', before: undefined, after: 'd73a4a' }], { risk: routine }));
const adminGrant = change('github.team-repository', 'platform/api', 'update', [{ path: 'permission', before: 'push', after: 'admin' }], {
  risk: { level: 'sensitive', reason: 'Grants team platform admin on api (was push).' },
  owners: ['@acme/platform'],
});
const deletion = change('github.team', 'contractors', 'delete', [], { risk: { level: 'destructive', reason: 'Deletes team contractors; its members lose access to 40 repositories.' } });
const unchanged = [change('github.repository', 'stable-a', 'noop'), change('github.repository', 'stable-b', 'noop')];
// Risky changes sit mid-list and last, as a real plan orders them: by file, not by risk.
const planChanges: Change[] = [...edits.slice(0, 12), adminGrant, ...labels, ...edits.slice(12), ...unchanged, deletion];

const failedLabel: ChangeResult = { change: labels[0]!, status: 'failed', message: 'Validation Failed: already_exists', attempts: 3 };
const results: ChangeResult[] = [
  ...edits.slice(0, 3).map((c): ChangeResult => ({ change: c, status: 'applied', attempts: 1 })),
  failedLabel,
  { change: change('github.team', 'old', 'delete', [], { blocked: 'prune is off in converge.yml' }), status: 'skipped', message: 'prune is off in converge.yml', attempts: 0 },
];

interface Output {
  name: string;
  /** The check run as GitHub shows it: the summary, then the text below it. */
  markdown: string;
  /** The headings that are not resource sections, in reading order. */
  outline: string[];
  /** Resources the counts table reports (no-ops aside: they get no section). */
  counted(doc: RenderedMarkdown): number;
}

const outputs: Output[] = [
  {
    name: 'plan with a deletion, an admin grant and routine edits',
    markdown: checkRun(renderPlan({ plan: plan(planChanges), context: { fileUrl }, maxResources: 10 })),
    outline: ['Needs care', 'All changes', 'Other changes', 'Changes this PR makes'],
    counted: (doc) => sumColumns(countsTable(doc), ['Create', 'Update', 'Rename', 'Delete']),
  },
  {
    name: 'apply results with applied, failed and skipped changes',
    markdown: checkRun(renderResults({ results, context: { fileUrl }, maxResources: 3 })),
    outline: ['❌ Failed (1)', '⏭️ Skipped (1)', 'Failed (1)', 'Skipped (1)', 'Applied (3)'],
    counted: (doc) => sumColumns(countsTable(doc), ['Applied', 'Skipped', 'Failed']),
  },
];

function checkRun(output: { summary: string; text: string }): string {
  return `${output.summary}\n\n${output.text}`;
}

interface Section {
  heading: string;
  /** Resources it covers: 1, or N for a group ("Update 4,800 × github.repository"). */
  resources: number;
  /** `kind/name` for a single resource. */
  key?: string;
}

const count = (digits: string) => Number(digits.replaceAll(',', ''));

/** Resource sections: the headings that name an action, after an optional status emoji. */
function sections(doc: RenderedMarkdown): Section[] {
  return doc.headings.flatMap(({ text }) => {
    const match = /^(?:\S+ )?(?:Create|Update|Rename|Delete)(?: \(blocked\))? (.+)$/u.exec(text);
    if (!match) return [];
    const group = /^([\d,]+) × /.exec(match[1]!);
    return [group ? { heading: text, resources: count(group[1]!) } : { heading: text, resources: 1, key: match[1]! }];
  });
}

/** What the "… and N more … not shown" lines leave out. */
function notShown(doc: RenderedMarkdown): number {
  return [...doc.text.matchAll(/… and ([\d,]+) more (?:resources?|results?) not shown/g)].reduce((sum, m) => sum + count(m[1]!), 0);
}

function countsTable(doc: RenderedMarkdown) {
  const table = doc.tables.find((t) => t.header[0] === 'Kind');
  if (!table) throw new Error('no counts table');
  return table;
}

/** The named columns added up: of the Total row when there is one, else of every row. */
function sumColumns(table: RenderedMarkdown['tables'][number], columns: string[]): number {
  const total = table.rows.find((row) => row[0] === 'Total');
  const rows = total ? [total] : table.rows;
  const at = columns.map((c) => table.header.indexOf(c));
  expect(at).not.toContain(-1);
  // A deletion cell reads "3 (1 blocked)": the leading number is the count.
  return rows.reduce((sum, row) => sum + at.reduce((s, i) => s + count(/^[\d,]+/.exec(row[i]!)?.[0] ?? 'NaN'), 0), 0);
}

describe.each(outputs)('$name, as a reader sees it', (output) => {
  const doc = renderMarkdown(output.markdown);

  it('has its headings in reading order, never skipping a level', () => {
    const resourceHeadings = new Set(sections(doc).map((s) => s.heading));
    expect(doc.headings.map((h) => h.text).filter((t) => !resourceHeadings.has(t))).toEqual(output.outline);
    expect(doc.headings.some((h) => h.level === 1)).toBe(false);
    doc.headings.slice(1).forEach((h, i) => expect(h.level, h.text).toBeLessThanOrEqual(doc.headings[i]!.level + 1));
  });

  it('counts as many resources as it shows, plus those it says it left out', () => {
    const shown = sections(doc).reduce((sum, s) => sum + s.resources, 0);
    expect(shown).toBeGreaterThan(0);
    expect(notShown(doc)).toBeGreaterThan(0);
    expect(shown + notShown(doc)).toBe(output.counted(doc));
  });

  it('links every "Declared in" to the line it names', () => {
    const declared = [...doc.text.matchAll(/\bDeclared in (\S+):(\d+)/g)];
    expect(declared.length).toBeGreaterThan(0);
    for (const [, file, line] of declared) {
      expect(doc.links).toContainEqual({ text: `${file}:${line}`, href: fileUrl(file!, Number(line)) });
    }
  });

  it('shows no Markdown or HTML syntax as text', () => {
    for (const raw of ['**', '|---', '---:', '<!--', '<code', '](']) expect(doc.text, raw).not.toContain(raw);
  });

  it('has tables with as many cells in every row as in the header', () => {
    expect(doc.tables.length).toBeGreaterThan(0);
    for (const table of doc.tables) {
      expect(table.written, table.header.join(' | ')).toEqual(table.written.map(() => table.header.length));
      for (const row of table.rows) expect(row).toHaveLength(table.header.length);
    }
  });
});

describe('plan check run reading order', () => {
  const grants = Array.from({ length: 150 }, (_, i) =>
    change('github.team-repository', `team-${i}/api`, 'update', [{ path: 'permission', before: 'push', after: 'admin' }], {
      risk: { level: 'sensitive', reason: `Grants team team-${i} admin on api (was push).` },
    }),
  );
  const plans: [string, Change[]][] = [
    ['a plan with one of each', planChanges],
    // More than the summary holds: the rest continue at the top of the text, still before any routine change.
    ['risky changes past the summary', [...edits.slice(0, 12), ...grants, ...edits.slice(12), deletion]],
  ];

  // Expects risk pinning: every risky change before any routine one, destructive first.
  it.each(plans)('lists risky changes first, the most dangerous at the top: %s', (_, changes) => {
    const doc = renderMarkdown(checkRun(renderPlan({ plan: plan(changes), context: { fileUrl } })));
    const byKey = new Map(changes.map((c) => [`${c.kind}/${c.name}`, riskOf(c).level]));
    const levels = sections(doc).map((s) => byKey.get(s.key!) as RiskLevel);
    expect(levels[0]).toBe('destructive');
    expect(levels).toEqual([...levels].sort((a, b) => riskRank(b) - riskRank(a)));
    expect(new Set(levels)).toEqual(new Set(RISK_LEVELS));
  });
});

describe('the rendering harness', () => {
  it('sees what GitHub hides: a cell split off by an unescaped pipe, and unclosed emphasis', () => {
    const doc = renderMarkdown('**open\n\n| a | b |\n| --- | --- |\n| <code>x|y</code> | 1 |\n');
    expect(doc.tables[0]!.written).toEqual([2, 2, 3]);
    expect(doc.tables[0]!.rows[0]).toHaveLength(2);
    expect(doc.text).toContain('**open');
  });

  it('reads headings, links and text as rendered, with escapes resolved', () => {
    const doc = renderMarkdown('## Update <code>a\\_b</code>\n\nDeclared in [repos/a.yml:3](https://example.com/a#L3)\n\n<!-- hidden -->');
    expect(doc.headings).toEqual([{ level: 2, text: 'Update a_b' }]);
    expect(doc.links).toEqual([{ text: 'repos/a.yml:3', href: 'https://example.com/a#L3' }]);
    expect(doc.text).not.toContain('hidden');
  });
});

describe('a report-mode drift issue, as its owner sees it', () => {
  const hand = change('github.repository', 'api', 'update', [{ path: 'description', before: 'Edited in the web UI', after: 'Public API' }], { origin: 'drift', owners: ['@acme/platform'] });
  const stray = change('github.repository', 'scratch', 'delete', [], { origin: 'extraneous', source: undefined, actual: { description: 'tmp' }, blocked: 'prune is off in converge.yml' });
  const label = change('github.label', 'api/security', 'create', [{ path: 'color', before: undefined, after: 'b60205' }], { origin: 'drift', owners: ['@acme/security'] });
  const doc = renderMarkdown(
    renderDriftReport({
      changes: [hand, stray, label],
      drift: { mode: 'report', kinds: {} },
      run: { sha: 'abc1234def', checkRunUrl: 'https://github.com/acme/config/runs/7', commitUrl: 'https://github.com/acme/config/commit/abc1234def' },
      defaultOwners: ['@acme/admins'],
      fileUrl,
      now: new Date('2026-12-03T06:00:00Z'),
    }),
  );

  it('counts as many items as it shows, says which kind each is, risky first, and never "would apply"', () => {
    expect(doc.text).toMatch(/^3 items: 1 drifted, 1 extraneous, 1 missing/);
    const items = doc.headings.filter((h) => /^(?:\S+ )?(Drifted|Extraneous|Missing): /u.test(h.text)).map((h) => h.text);
    expect(items).toEqual(['🛑 Extraneous: github.repository/scratch', 'Drifted: github.repository/api', 'Missing: github.label/api/security']);
    expect(doc.text).not.toMatch(/would apply/i);
    expect(doc.text).not.toMatch(/\*\*|<!--|\]\(/);
  });

  it('shows Live and Declared, owners as mentions, and links to the run, the commit and each declaring line', () => {
    expect(doc.tables.map((t) => t.header)).toEqual([
      ['Field', 'Live', 'Declared'],
      ['Field', 'Declared'],
    ]);
    expect(doc.text).toContain('Owners: @acme/platform');
    expect(doc.text).toContain('Owners: @acme/admins');
    const hrefs = doc.links.map((l) => l.href);
    expect(hrefs).toContain('https://github.com/acme/config/runs/7');
    expect(hrefs).toContain('https://github.com/acme/config/commit/abc1234def');
    expect(hrefs).toContain(fileUrl('github.repository/api.yml', 3));
    for (const verb of ['Revert:', 'Declare it by PR:', 'Exclude it by scope:']) expect(doc.text).toContain(verb);
  });
});
