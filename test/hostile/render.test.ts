import { describe, expect, it } from 'vitest';
import { boundedJson, formatValue } from '../../src/github-app/render/values.js';

/** A graph of shared nodes whose JSON is 10^8 levels of text: never written out in full. */
function sharedGraph(levels: number): unknown {
  let node: unknown = ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol'];
  for (let i = 0; i < levels; i++) node = Array.from({ length: 10 }, () => node);
  return node;
}

describe('rendering values', () => {
  it('writes JSON exactly as JSON.stringify does, secrets masked', () => {
    const value = { a: [1, 'x', null, undefined, true], b: { c: 2, d: undefined }, token: 'ghp_x', n: 1.5 };
    expect(boundedJson(value, 10_000)).toBe(JSON.stringify({ ...value, token: '(sensitive)' }));
  });

  it('stops writing a huge open record at the cell size', () => {
    const cell = formatValue('rules[0].parameters', { deep: sharedGraph(8) });
    expect(cell.length).toBeLessThan(400);
    expect(cell).toContain('lol');
    expect(boundedJson(sharedGraph(8), 300).length).toBeLessThan(320);
  });

  it('does not loop on a value that contains itself', () => {
    const looped: Record<string, unknown> = { a: 1 };
    looped.self = looped;
    expect(formatValue('x', looped).length).toBeLessThan(400);
  });
});
