import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { hostileRegistry } from '../hostile/run.js';

const load = (config: string, files: Record<string, string> = {}) =>
  loadModel(new Map(Object.entries({ 'converge.yml': `providers:\n  postgres: { connectionFromEnv: PG_URL${config} }\n`, ...files })), hostileRegistry);

describe('integer ranges match PostgreSQL int4', () => {
  it('accepts connectionLimit from -1 to 2147483647 and rejects beyond, on the line', () => {
    for (const kind of ['postgres.role', 'postgres.database']) {
      for (const [limit, ok] of [[-1, true], [2_147_483_647, true], [2_147_483_648, false], [-2, false]] as const) {
        const model = load('', { 'pg.yml': `kind: ${kind}\nname: app\nspec:\n  connectionLimit: ${limit}\n` });
        if (ok) expect(model.diagnostics, `${kind} ${limit}`).toEqual([]);
        else expect(model.diagnostics, `${kind} ${limit}`).toEqual([expect.objectContaining({ code: 'schema.invalid', location: expect.objectContaining({ file: 'pg.yml', line: 4 }) })]);
      }
    }
  });

  it('rejects timeouts a timer or lock_timeout cannot hold', () => {
    expect(load(', lockTimeoutMs: 2147483648').diagnostics).toEqual([expect.objectContaining({ code: 'schema.invalid', location: expect.objectContaining({ file: 'converge.yml' }) })]);
    expect(load(', connectTimeoutMs: 2147483647').diagnostics).toEqual([]);
  });
});
