import { describe, expect, it } from 'vitest';
import { renderResults } from '../../../src/github-app/render/index.js';
import { change, visible } from './fixtures.js';

describe('renderResults', () => {
  const update = change('github.repository', 'api', 'update', [{ path: 'description', before: 'a', after: 'b' }]);
  const label = change('github.label', 'api/bug', 'create', [{ path: 'color', before: undefined, after: 'fff' }]);
  const deletion = change('github.team', 'old', 'delete', [], { blocked: 'prune is off in converge.yml' });

  it('fails when a change failed, with the target message, and still reports the others', () => {
    const output = renderResults({
      results: [
        { change: update, status: 'applied', attempts: 1 },
        { change: label, status: 'failed', message: 'Validation Failed: already_exists', attempts: 3 },
        { change: deletion, status: 'skipped', message: 'prune is off in converge.yml', attempts: 0 },
      ],
    });
    expect(output.conclusion).toBe('failure');
    expect(output.title).toBe('1 applied, 1 skipped, 1 failed');
    const summary = visible(output.summary);
    expect(summary).toContain('1 change failed');
    expect(summary).toContain('github.label/api/bug</code>: Validation Failed: already_exists');
    expect(summary).toContain('github.team/old</code>: prune is off in converge.yml');
    expect(output.text.indexOf('Failed (1)')).toBeLessThan(output.text.indexOf('Applied (1)'));
    expect(output.text).toContain('```text\nValidation Failed: already_exists\n```');
    expect(output.annotations).toMatchObject([{ annotation_level: 'failure', path: 'github.label/api/bug.yml' }]);
  });

  it('succeeds when everything applied or was skipped by policy', () => {
    const output = renderResults({
      results: [
        { change: update, status: 'applied', attempts: 1 },
        { change: deletion, status: 'skipped', message: 'prune is off in converge.yml', attempts: 0 },
      ],
    });
    expect(output.conclusion).toBe('success');
    expect(output.summary).toContain('1 change applied');
  });

  it('says there was nothing to apply', () => {
    const output = renderResults({ results: [] });
    expect(output.conclusion).toBe('success');
    expect(output.title).toBe('Nothing to apply');
  });

  it('fails when resources could not be read', () => {
    const output = renderResults({ results: [], readFailures: [{ kind: 'github.team', target: 'default', name: 'ops', code: 'retryable' as const, retryable: true, message: 'HTTP 502' }] });
    expect(output.conclusion).toBe('failure');
    expect(output.summary).toContain('github.team/ops');
  });
});
