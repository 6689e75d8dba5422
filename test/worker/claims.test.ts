import { describe, expect, it } from 'vitest';
import { footprintMatcher } from '../../src/core/policy.js';
import { exactKeyPatterns } from '../../src/worker/claims.js';

/** Another config repo's claims become footprint patterns: each must match its own key, and nothing else. */
describe('claims as footprint patterns', () => {
  const refOf = (key: string) => {
    const slash = key.indexOf('/');
    const [kind, target = 'default'] = key.slice(0, slash).split('@') as [string, string?];
    return { kind, target, name: key.slice(slash + 1) };
  };
  const matches = (patterns: string[], key: string) => footprintMatcher(patterns)(refOf(key));

  it('matches names that hold glob syntax only as they are written', () => {
    const keys = ['github.label/api/help wanted', 'github.label/api/p*q', 'github.label/api/{a,b}', 'github.label/api/!x', 'github.label/api/(prio)', 'github.label/api/a.b'];
    const patterns = exactKeyPatterns(keys);
    for (const key of keys) expect(matches(patterns, key), key).toBe(true);
    for (const other of ['github.label/api/pxq', 'github.label/api/a', 'github.label/api/x', 'github.label/api/prio', 'github.label/api/axb', 'github.label/api/help']) {
      expect(matches(patterns, other), other).toBe(false);
    }
  });

  it('keeps kinds and targets apart, and a single claim of a kind exact too', () => {
    const patterns = exactKeyPatterns(['github.repository/api', 'postgres.role@warehouse/api']);
    expect(matches(patterns, 'github.repository/api')).toBe(true);
    expect(matches(patterns, 'github.repository/api2')).toBe(false);
    expect(matches(patterns, 'postgres.role@warehouse/api')).toBe(true);
    expect(matches(patterns, 'postgres.role/api')).toBe(false);
    expect(matches(patterns, 'github.label/api/bug')).toBe(false);
  });

  it('splits thousands of claims into a few patterns, every one still matched', () => {
    const keys = Array.from({ length: 6000 }, (_, i) => `github.repository/service-${i}`);
    const patterns = exactKeyPatterns(keys);
    expect(patterns.length).toBeGreaterThan(1);
    expect(patterns.length).toBeLessThan(10);
    expect(patterns.every((p) => p.length < 65_536)).toBe(true);
    const match = footprintMatcher(patterns);
    expect(keys.every((key) => match(refOf(key)))).toBe(true);
    expect(match(refOf('github.repository/service-6000'))).toBe(false);
  });
});
