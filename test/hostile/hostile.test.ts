import { describe, expect, it } from 'vitest';
import { corpus } from './corpus.js';
import { prepare, runHostile } from './run.js';

// Each input ends in a bounded, clear diagnostic on its file and line (or, for the one input
// under every limit, in a plan that renders). Time and memory are measured by the bench.
describe('hostile input', () => {
  for (const input of corpus) {
    it(`${input.name}: ${input.description}`, async () => {
      const outcome = await runHostile(await prepare(input));
      const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
      if (input.expect.length === 0) {
        expect(errors).toEqual([]);
        expect(outcome.output).toBeDefined();
        return;
      }
      for (const expected of input.expect) {
        const found = errors.find(
          (d) => d.code === expected.code && d.location?.file === expected.file && (expected.line === undefined || d.location.line === expected.line),
        );
        expect(found, `${expected.code} on ${expected.file} among ${JSON.stringify(errors.map((d) => [d.code, d.location]))}`).toBeDefined();
        if (expected.line !== undefined) expect(found!.location!.line).toBe(expected.line);
        if (expected.lineAtLeast !== undefined) expect(found!.location!.line).toBeGreaterThanOrEqual(expected.lineAtLeast);
        if (expected.lineAtLeast !== undefined) expect(found!.location!.line).toBeLessThanOrEqual(expected.lineAtLeast + 1);
        if (expected.says) expect(found!.message).toContain(expected.says);
      }
      // A rejected input is never half-loaded into something that could plan deletions.
      expect(outcome.output).toBeUndefined();
    }, 30_000);
  }
});
