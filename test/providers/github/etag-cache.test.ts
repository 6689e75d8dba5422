import { describe, expect, it } from 'vitest';
import { LruEtagCache } from '../../../src/providers/github/index.js';

describe('LruEtagCache', () => {
  it('evicts the least recently used entry', async () => {
    const cache = new LruEtagCache({ maxEntries: 2 });
    await cache.set('a', { etag: '"a"', data: 1 });
    await cache.set('b', { etag: '"b"', data: 2 });
    await cache.get('a');
    await cache.set('c', { etag: '"c"', data: 3 });
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.data).toBe(1);
    expect((await cache.get('c'))?.data).toBe(3);
    expect(cache.size).toBe(2);
  });
});
