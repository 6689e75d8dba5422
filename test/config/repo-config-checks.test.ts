import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { hostileRegistry } from '../hostile/run.js';

const base = 'providers:\n  github: {}\n';
const load = (config: string) => loadModel(new Map([['converge.yml', base + config]]), hostileRegistry);
const codes = (config: string) => load(config).diagnostics.map((d) => [d.code, d.location?.line]);

describe('kinds named in converge.yml', () => {
  it('accepts known kinds, bare-name patterns and patterns with a target', () => {
    const config = [
      'scope:\n  github.repository: { exclude: ["archive-*"] }\n  postgres.role: { include: ["app_*"] }',
      'drift:\n  kinds: { github.label: revert }',
      'prune:\n  protected: ["prod-*", "api/*", "my.repo/bug", "github.repository/prod-*", "postgres.role@analytics/*", "github.*/keep"]',
    ].join('\n');
    expect(load(config).diagnostics).toEqual([]);
  });

  it('names the closest known kind for a typo, on the line of the key', () => {
    const model = load('scope:\n  github.repo:\n    exclude: ["archive-*"]\n');
    expect(model.diagnostics).toEqual([
      expect.objectContaining({ code: 'settings.unknown-kind', severity: 'error', location: expect.objectContaining({ file: 'converge.yml', line: 4, column: 3 }) }),
    ]);
    expect(model.diagnostics[0]!.message).toContain('Did you mean "github.repository"?');
  });

  it('lists the known kinds when nothing is close', () => {
    const model = load('drift:\n  kinds:\n    widgets: revert\n');
    expect(model.diagnostics[0]!.message).toContain('Known kinds: github.repository');
  });

  it('checks the kind of a protected pattern with a target or a known provider', () => {
    expect(codes('prune:\n  protected:\n    - "api/*"\n    - "github.teams/*"\n    - "postgress.role@x/*"\n')).toEqual([
      ['settings.unknown-kind', 6],
      ['settings.unknown-kind', 7],
    ]);
  });
});

describe('schedule.fullRun', () => {
  it('accepts what BullMQ schedules', () => {
    for (const cron of ['0 3 * * *', '@daily', '*/15 * * * 1-5', '0 0 3 * * *']) {
      const model = load(`schedule:\n  fullRun: "${cron}"\n`);
      expect(model.diagnostics).toEqual([]);
      expect(model.config.schedule.fullRun).toBe(cron);
    }
  });

  it('rejects what it cannot, on the line, and never hands it on', () => {
    for (const cron of ['99 99 * * *', 'every day', '*/0 * * * *', '0 3 31 2 *', ' ']) {
      const model = load(`schedule:\n  fullRun: "${cron}"\n`);
      expect(model.diagnostics).toEqual([expect.objectContaining({ code: 'settings.schedule', location: expect.objectContaining({ line: 4 }) })]);
      expect(model.config.schedule.fullRun).toBeUndefined();
    }
  });
});
