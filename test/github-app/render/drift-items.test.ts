import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/plan-types.js';
import { renderDriftReport, type DriftReportInput } from '../../../src/github-app/render/drift.js';
import { ago, attributionLine, parseItems } from '../../../src/github-app/render/drift-items.js';

const now = new Date('2026-12-03T12:03:00Z');
const change = (name: string, live: string, token?: string): Change => ({
  kind: 'github.repository',
  target: 'default',
  name,
  action: 'update',
  fields: [
    { path: 'description', before: live, after: 'declared' },
    ...(token ? [{ path: 'webhookSecret', before: token, after: 'x' }] : []),
  ],
  desired: { description: 'declared' },
  origin: 'drift',
  owners: [],
});
const input = (changes: Change[], extra: Partial<DriftReportInput> = {}): DriftReportInput => ({ changes, drift: { mode: 'report', kinds: {} }, run: { sha: 'a'.repeat(40) }, now, ...extra });

describe('drift item attribution', () => {
  it('says who changed an item and when, relative to the report, or that the full run found it', () => {
    expect(attributionLine({ by: 'alice', at: '2026-12-03T12:00:00Z', url: 'https://github.com/acme/api' }, now)).toBe(
      'Changed by @alice [3 minutes ago](https://github.com/acme/api) (2026-12-03 12:00 UTC).',
    );
    expect(attributionLine({ by: 'renovate[bot]', at: '2026-12-03T10:00:00Z' }, now)).toBe('Changed by <code>renovate\\[bot\\]</code> 2 hours ago (2026-12-03 10:00 UTC).');
    expect(attributionLine(undefined, now)).toBe('Found by the full run.');
    expect(ago(new Date('2026-12-03T12:02:40Z'), now)).toBe('just now');
  });

  it('keeps the items in the body, masked, so a later check can merge into them, and carries attribution while an item is unchanged', () => {
    const token = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
    const first = renderDriftReport(input([change('api', 'hand edit', token)], { attribution: new Map([['github.repository/api', { by: 'alice', at: '2026-12-03T12:00:00Z' }]]) }));
    const kept = parseItems(first)!;
    expect(kept.changes.map((c) => c.name)).toEqual(['api']);
    expect(JSON.stringify(kept)).not.toContain('ghp_0123456789');
    expect(kept.attribution.get('github.repository/api')?.by).toBe('alice');
    // A full run later finds the same change with no attribution of its own: alice's stays.
    expect(renderDriftReport(input([change('api', 'hand edit', token)], { previous: first, now: new Date('2026-12-04T00:00:00Z') }))).toContain('Changed by @alice');
    // A different live value is a new change, which the full run found.
    expect(renderDriftReport(input([change('api', 'edited again', token)], { previous: first }))).toContain('Found by the full run.');
  });
});
