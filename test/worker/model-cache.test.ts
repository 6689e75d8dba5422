import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/core/registry.js';
import type { ProviderDeps } from '../../src/providers/deps.js';
import { providers } from '../../src/providers/index.js';
import { ModelCache } from '../../src/worker/model-cache.js';

const files = (description: string) => new Map([
  ['converge.yml', 'providers:\n  github: {}\n'],
  ['repos/api.yml', `kind: github.repository\nname: api\nspec:\n  description: ${description}\n`],
]);
const ref = { owner: 'acme', repo: 'config' };

describe('the model cache of a worker', () => {
  const cache = () => new ModelCache(new Registry<ProviderDeps>(providers));

  it('loads a tree once, whichever case names the repo, and keeps the two last', () => {
    const models = cache();
    const base = models.load(ref, 'tree-a', files('a'));
    expect(models.load({ owner: 'Acme', repo: 'Config' }, 'tree-a', files('ignored'))).toBe(base);
    const head = models.load(ref, 'tree-b', files('b'));
    expect(head.resources[0]!.spec).toMatchObject({ description: 'b' });
    // A third tree evicts the least recently used one: tree-b (tree-a was used after it).
    models.load(ref, 'tree-a', files('a'));
    models.load(ref, 'tree-c', files('c'));
    expect(models.load(ref, 'tree-a', files('other'))).toBe(base);
    expect(models.load(ref, 'tree-b', files('reloaded')).resources[0]!.spec).toMatchObject({ description: 'reloaded' });
  });

  it('never caches a snapshot whose tree is unknown', () => {
    const models = cache();
    expect(models.load(ref, undefined, files('x'))).not.toBe(models.load(ref, undefined, files('x')));
  });
});
