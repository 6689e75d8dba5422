import { describe, expect, it } from 'vitest';
import { chunkAnnotations, renderPlan } from '../../../src/github-app/render/index.js';
import { change, error, plan } from './fixtures.js';

describe('annotations', () => {
  it('sends 120 diagnostics in 3 batches of at most 50', () => {
    const diagnostics = Array.from({ length: 120 }, (_, i) => error(i + 1, `problem ${i}`, i % 2 ? 'warning' : 'error'));
    const output = renderPlan({ plan: plan([], { diagnostics }) });
    const chunks = chunkAnnotations(output.annotations, 50);
    expect(chunks.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(chunks.flat()).toHaveLength(120);
    // Errors first, so they survive if later batches fail.
    expect(chunks[0]!.every((a) => a.annotation_level === 'failure')).toBe(true);
  });

  it('puts columns only on single-line annotations', () => {
    const output = renderPlan({
      plan: plan([], {
        diagnostics: [
          { severity: 'error', code: 'yaml.syntax', message: 'bad indent', location: { file: 'a.yml', line: 3, column: 2, endColumn: 9 } },
          { severity: 'warning', code: 'schema.deprecated', message: 'old', location: { file: './b.yml', line: 3, column: 2, endLine: 5, endColumn: 1 } },
          { severity: 'error', code: 'x', message: 'no location' },
        ],
      }),
    });
    expect(output.annotations).toEqual([
      { path: 'a.yml', start_line: 3, end_line: 3, start_column: 2, end_column: 9, annotation_level: 'failure', title: 'yaml.syntax', message: 'bad indent' },
      { path: 'b.yml', start_line: 3, end_line: 5, annotation_level: 'warning', title: 'schema.deprecated', message: 'old' },
    ]);
    expect(output.summary).toContain('no location'); // still reported, in the summary
  });

  it('marks the declaring line of changed resources with a capped number of notices', () => {
    const changes = Array.from({ length: 80 }, (_, i) => change('github.label', `api/l${i}`, 'update', [{ path: 'color', before: 'a', after: 'b' }]));
    const output = renderPlan({ plan: plan(changes), maxNotices: 30 });
    expect(output.annotations).toHaveLength(30);
    expect(output.annotations[0]).toMatchObject({ annotation_level: 'notice', path: 'github.label/api/l0.yml', start_line: 3, end_line: 3 });
    expect(output.annotations[0]!.message).toContain('color');
  });

  it('keeps messages within 64 KiB', () => {
    const output = renderPlan({ plan: plan([], { diagnostics: [error(1, 'x'.repeat(200_000))] }) });
    expect(Buffer.byteLength(output.annotations[0]!.message)).toBeLessThanOrEqual(64 * 1024);
  });
});
