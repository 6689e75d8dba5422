import { describe, expect, it } from 'vitest';
import { renderNoManagedFiles, renderPlan } from '../../../src/github-app/render/index.js';
import { change, error, plan, tableRows, visible } from './fixtures.js';

describe('renderPlan', () => {
  it('names a repository description change and a label creation in the summary', () => {
    const output = renderPlan({
      plan: plan([
        change('github.repository', 'api', 'update', [{ path: 'description', before: 'Old', after: 'The API' }], { owners: ['@acme/platform'] }),
        change('github.label', 'api/bug', 'create', [{ path: 'color', before: undefined, after: 'd73a4a' }]),
        change('github.repository', 'web', 'noop'),
      ]),
      context: { description: 'delta from base abc1234 to head def5678', fileUrl: (file, line) => `https://github.com/acme/config/blob/def5678/${file}#L${line}` },
    });

    expect(output.title).toBe('1 to create, 1 to update');
    expect(output.conclusion).toBe('success');
    expect(output.summary).toContain('github.repository/api');
    expect(output.summary).toContain('github.label/api/bug');
    expect(output.summary).toContain('description');
    expect(output.summary).toContain('delta from base abc1234 to head def5678');
    // Counts by kind, no-ops counted but not listed.
    expect(output.summary).toMatch(/\| <code>github\.repository<\/code> \| 0 \| 1 \| 0 \| 0 \| 1 \|/);
    expect(output.text).not.toContain('github.repository/web');
    // The section shows before → after, where it is declared (linked) and who owns it.
    expect(output.text).toContain('<code>"Old"</code> | <code>"The API"</code>');
    expect(output.text).toContain('(https://github.com/acme/config/blob/def5678/github.repository/api.yml#L3)');
    expect(output.text).toContain('@acme/platform');
  });

  it('says "No changes" and succeeds when everything matches', () => {
    const output = renderPlan({ plan: plan([change('github.repository', 'api', 'noop')]) });
    expect(output.title).toBe('No changes');
    expect(output.conclusion).toBe('success');
    expect(output.summary).toContain('No changes');
    expect(output.annotations).toEqual([]);
  });

  it('keeps live drift under the revert heading, apart from what the PR changes', () => {
    const output = renderPlan({
      plan: plan([
        change('github.repository', 'api', 'update', [
          { path: 'description', before: 'Old', after: 'New from the PR' },
          { path: 'has_wiki', before: true, after: false, drift: true },
        ]),
        change('github.team', 'ops', 'update', [{ path: 'privacy', before: 'secret', after: 'closed', drift: true }], { origin: 'drift' }),
      ]),
    });
    const [own, revert] = visible(output.text).split('## What merging would also revert (live drift)');
    expect(own).toContain('## Changes this PR makes');
    expect(own).toContain('New from the PR');
    expect(own).not.toContain('has_wiki');
    expect(own).not.toContain('github.team/ops');
    expect(revert).toContain('has_wiki');
    expect(revert).toContain('github.team/ops');
    expect(revert).not.toContain('New from the PR');
    expect(output.summary).toContain('merging would also revert');
  });

  it('fails and says so when the deletion cap blocks deletions', () => {
    const reason = 'this run would delete 7 resources, more than maxDeletionsPerRun (5); nothing is deleted until an admin overrides';
    const deletions = Array.from({ length: 7 }, (_, i) => change('github.label', `api/old-${i}`, 'delete', [], { blocked: reason }));
    const output = renderPlan({
      plan: plan([change('github.label', 'api/new', 'create', [{ path: 'color', before: undefined, after: 'fff' }]), ...deletions]),
      policy: { requestedDeletions: 7, capExceeded: true, maxDeletionsPerRun: 5 },
    });
    expect(output.conclusion).toBe('failure');
    expect(output.title).toBe('1 to create, 7 to delete (blocked by the deletion cap)');
    expect(output.summary).toContain('Deletions blocked by the deletion cap');
    expect(output.summary).toContain('7 deletions');
    expect(output.summary).toContain('(5)');
    expect(output.summary).toContain('old-6'); // few deletions are listed by name
  });

  it('lists deletions blocked by policy with the reason, without failing', () => {
    const output = renderPlan({
      plan: plan([
        change('github.label', 'api/wontfix', 'delete', [], { blocked: 'prune is off in converge.yml' }),
        change('github.team', 'admins', 'delete', [], { blocked: 'protected by a pattern in converge.yml' }),
        change('github.label', 'api/dup', 'delete'),
      ]),
      policy: { requestedDeletions: 3, capExceeded: false },
    });
    // The one deletion that would run is destructive: not a plain success, and listed first.
    expect(output.conclusion).toBe('neutral');
    expect(output.title).toBe('Needs care: 1 destructive · 3 to delete (2 blocked)');
    expect(output.summary).toContain('🛑 **Destructive:** Deletes github.label/api/dup.');
    expect(output.summary).toContain('prune is off in converge.yml');
    expect(output.summary).toContain('protected by a pattern');
    expect(output.summary.indexOf('api/dup')).toBeLessThan(output.summary.indexOf('wontfix'));
  });

  it('shows changes of read-only kinds as blocked and does not count them as applied', () => {
    const reason = 'org membership is read-only in Converge: invite, remove or change members on GitHub';
    const output = renderPlan({
      plan: plan([
        change('github.member', 'octocat', 'create', [{ path: 'role', before: undefined, after: 'member' }], { blocked: reason }),
        change('github.repository', 'api', 'update', [{ path: 'description', before: 'a', after: 'b' }]),
      ]),
    });
    expect(output.summary).toContain('Merging would apply 1 change.');
    expect(output.summary).toContain('1 difference of read-only kinds is only reported');
    expect(output.text).toContain('(blocked) <code>github.member/octocat</code>');
    expect(output.text).toContain(reason);
  });

  it('fails on configuration errors and annotates their lines', () => {
    const output = renderPlan({ plan: plan([], { diagnostics: [error(4), error(9, 'bad value'), error(12, 'odd', 'warning')] }) });
    expect(output.conclusion).toBe('failure');
    expect(output.title).toBe('Invalid configuration: 2 errors');
    expect(output.summary).toContain('2 configuration errors, 1 warning');
    expect(output.annotations.map((a) => [a.annotation_level, a.start_line])).toEqual([
      ['failure', 4],
      ['failure', 9],
      ['warning', 12],
    ]);
  });

  it('fails and names resources that could not be read', () => {
    const output = renderPlan({
      plan: plan([], { readFailures: [{ kind: 'github.team', target: 'default', name: 'ops', code: 'retryable' as const, retryable: true, message: 'HTTP 502 from GitHub' }] }),
    });
    expect(output.conclusion).toBe('failure');
    expect(output.title).toContain('1 resource could not be read');
    expect(output.summary).toContain('github.team/ops');
    expect(output.summary).toContain('HTTP 502 from GitHub');
  });

  it('never prints values of secret-looking fields', () => {
    const output = renderPlan({
      plan: plan([
        change('github.actions-variable', 'api/DEPLOY', 'create', [
          { path: 'password', before: undefined, after: 'hunter2-pw' },
          { path: 'webhook.secret', before: undefined, after: 's3cr3t-value' },
          { path: 'apiKey', before: undefined, after: 'k-123456' },
          { path: 'config', before: undefined, after: { url: 'https://x', token: 'tok-abcdef' } },
          { path: 'note', before: undefined, after: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
          { path: 'description', before: undefined, after: 'visible' },
        ]),
      ]),
    });
    const all = output.summary + output.text + JSON.stringify(output.annotations);
    for (const secret of ['hunter2-pw', 's3cr3t-value', 'k-123456', 'tok-abcdef', 'ghp_abcdef']) expect(all).not.toContain(secret);
    expect(output.text).toContain('(sensitive)');
    expect(output.text).toContain('visible');
  });

  it('escapes names and values so they cannot break a table or inject HTML', () => {
    const nasty = 'a|b`c`<script>alert(1)</script>\n| x |';
    const output = renderPlan({
      plan: plan([
        change('github.label', nasty, 'update', [{ path: 'name|`x`', before: 'x | y', after: '<img src=x onerror=alert(1)>' }], { owners: ['@a|b'] }),
      ]),
    });
    for (const out of [output.summary, output.text]) {
      expect(out).not.toMatch(/(?<!\\)<(script|img)/);
      const rows = tableRows(out);
      expect(rows.length).toBeGreaterThan(0);
      const widths = new Set(rows.map((r) => r.length));
      // Every table keeps one width per table: the counts table (6) and the field table (3).
      for (const width of widths) expect([3, 6]).toContain(width);
    }
    expect(tableRows(output.text)).toHaveLength(3); // header, rule, one row
  });

  it('says "renamed from" for renames', () => {
    const output = renderPlan({ plan: plan([change('github.repository', 'api-v2', 'rename', [], { fromName: 'api' })]) });
    expect(output.title).toBe('1 to rename');
    expect(output.text).toContain('### Rename <code>github.repository/api-v2</code>');
    expect(output.text).toContain('Renamed from <code>api</code>');
  });
});

describe('renderNoManagedFiles', () => {
  it('is neutral', () => {
    const output = renderNoManagedFiles();
    expect(output.conclusion).toBe('neutral');
    expect(output.title).toBe('No managed files changed');
  });
});

describe('configuration errors in the summary', () => {
  it('names the file once: after "at file:line", not again at the start of the message', () => {
    const output = renderPlan({
      plan: plan([], { diagnostics: [{ severity: 'error', code: 'schema.unknown-field', message: 'repos/api.yml: github.repository/api: unknown field "spec.colour"', location: { file: 'repos/api.yml', line: 5, column: 3 } }] }),
    });
    expect(output.summary).toContain('- **Error** at <code>repos/api.yml:5:3</code>: github.repository/api: unknown field');
  });
});
