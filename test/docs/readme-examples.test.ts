import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { createRegistry } from '../../src/providers/index.js';

const registry = createRegistry();
const SETTINGS = 'providers:\n  github: {}\n  postgres:\n    targets:\n      analytics: { connectionFromEnv: PG_ANALYTICS_URL }\n      default: { connectionFromEnv: PG_URL }\n';
const yamlBlocks = (file: string) => [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

// Users copy these examples: each must load without errors under the real schemas.
describe('documented YAML examples', () => {
  for (const file of ['README.md', 'src/providers/github/README.md', 'src/providers/postgres/README.md']) {
    it(`load cleanly: ${file}`, () => {
      const resources = yamlBlocks(file).filter((b) => /^kind:/m.test(b));
      expect(resources.length).toBeGreaterThan(0);
      for (const block of resources) {
        const model = loadModel(new Map([['converge.yml', SETTINGS], ['example.yml', block]]), registry);
        expect(model.diagnostics.filter((d) => d.severity === 'error'), block).toEqual([]);
      }
    });
  }

  it('converge.yml and defaults in the README load, and the defaults apply', () => {
    const blocks = yamlBlocks('README.md');
    const settings = blocks.find((b) => b.startsWith('providers:'))!;
    const defaults = blocks.find((b) => b.startsWith('kind: defaults'))!;
    const model = loadModel(new Map([['converge.yml', settings], ['defaults.yml', defaults], ['api.yml', 'kind: github.repository\nname: api\n']]), registry);
    expect(model.diagnostics).toEqual([]);
    expect(model.byKey.get('github.repository/api')!.spec).toMatchObject({ visibility: 'private' });
  });
});
