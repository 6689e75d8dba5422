import { describe, expect, it } from 'vitest';
import { commentData, hiddenData } from '../../../src/github-app/comments.js';
import { renderResults } from '../../../src/github-app/render/index.js';
import { attemptOf, MAX_ATTEMPTS, parseAttempts, renderApplyComment, type ApplyAttempt } from '../../../src/github-app/render/results.js';
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

  it('links the PRs the changes came from', () => {
    const output = renderResults({
      results: [{ change: update, status: 'applied', attempts: 1 }],
      from: [{ number: 12, url: 'https://github.com/acme/config/pull/12', title: 'Describe *api*' }],
    });
    expect(output.summary).toContain('From [#12](https://github.com/acme/config/pull/12) (Describe \\*api\\*).');
  });

  it('names the failed resource once, though GitHub\'s error names it too', () => {
    const message = 'github.label/api/bug: the app is not allowed to write this on GitHub: Resource not accessible by integration (the app needs issues: write).';
    const output = renderResults({ results: [{ change: label, status: 'failed', message, attempts: 1 }] });
    const summary = visible(output.summary);
    expect(summary).toContain('github.label/api/bug</code>: the app is not allowed to write this on GitHub: Resource not accessible by integration (the app needs issues: write).');
    expect(`${summary}\n${output.text}`).not.toContain('github.label/api/bug: github.label/api/bug');
    expect(output.text).toContain('```text\nthe app is not allowed to write this on GitHub');
    expect(output.annotations[0]).toMatchObject({ title: 'Failed to create github.label/api/bug', message: expect.stringMatching(/^the app is not allowed/) });
  });
});

describe('renderApplyComment', () => {
  const label = change('github.label', 'api/bug', 'create', [{ path: 'color', before: undefined, after: 'fff' }]);
  const attempt = (n: number, failed: boolean): ApplyAttempt =>
    attemptOf(
      { at: `2026-01-0${Math.min(n, 9)}T10:00:00.000Z`, sha: 'a'.repeat(40), url: `https://github.com/acme/config/runs/${n}` },
      [{ change: label, ...(failed ? { status: 'failed' as const, message: `github.label/api/bug: GitHub rejected the change ${n} -->` } : { status: 'applied' as const }), attempts: 1 }],
    );
  const comment = (attempts: [ApplyAttempt, ...ApplyAttempt[]]) => renderApplyComment(attempts, (kept) => hiddenData('apply', kept));

  it('reads its attempts back, failures and all, whatever their messages hold', () => {
    const body = comment([attempt(2, false), attempt(1, true)]);
    expect(parseAttempts(commentData(body, 'apply'))).toEqual([attempt(2, false), attempt(1, true)]);
    expect(body.startsWith('**Converge apply** finished: 1 applied, 0 failed, 0 skipped. [Details](https://github.com/acme/config/runs/2)')).toBe(true);
    expect(body).toContain('- ❌ 2026-01-01 10:00 UTC · <code>aaaaaaa</code> · 0 applied, 1 failed, 0 skipped · [check run](https://github.com/acme/config/runs/1)\n  - <code>github.label/api/bug</code>: GitHub rejected the change 1 --\\>');
  });

  it('keeps the newest attempts only, within the comment limit', () => {
    const many = Array.from({ length: 14 }, (_, i) => attempt(14 - i, true)) as [ApplyAttempt, ...ApplyAttempt[]];
    const kept = parseAttempts(commentData(comment(many), 'apply'));
    expect(kept.map((a) => a.url)).toEqual(many.slice(0, MAX_ATTEMPTS).map((a) => a.url));

    const huge = many.map((a) => ({ ...a, failed: 10, failures: Array.from({ length: 10 }, (_, i) => ({ resource: `github.label/api/l${i}`, message: 'x'.repeat(300) })) })) as [ApplyAttempt, ...ApplyAttempt[]];
    const body = comment(huge);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(65_000);
    const fitted = parseAttempts(commentData(body, 'apply'));
    expect(fitted.length).toBeGreaterThan(1);
    expect(fitted.length).toBeLessThan(MAX_ATTEMPTS);
    expect(fitted[0]!.url).toBe(huge[0].url);
  });

  it('reads nothing back from a comment that holds no record, or a broken one', () => {
    expect(parseAttempts(commentData('finished: 1 applied. [Details](x)', 'apply'))).toEqual([]);
    expect(parseAttempts(commentData('<!-- converge:apply:data [{"at": -->', 'apply'))).toEqual([]);
  });
});
