import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { Registry } from '../../src/core/registry.js';
import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';

const registry = new Registry([memoryProvider(new MemoryTarget())]);
const load = (settings: string) => loadModel(new Map([['converge.yml', `providers:\n  mem: {}\n${settings}`]]), registry);

describe('limits per run in converge.yml', () => {
  it('leaves updates unlimited and deletions at 5 by default', () => {
    const model = load('');
    expect(model.diagnostics).toEqual([]);
    expect(model.config.limits.maxUpdatesPerRun).toBeUndefined();
    expect(model.config.prune.maxDeletionsPerRun).toBe(5);
  });

  it('takes a number of resources or a share of the declared resources for either limit', () => {
    const model = load('prune:\n  maxDeletionsPerRun: "10%"\nlimits:\n  maxUpdatesPerRun: 40\n');
    expect(model.diagnostics).toEqual([]);
    expect(model.config.prune.maxDeletionsPerRun).toBe('10%');
    expect(model.config.limits.maxUpdatesPerRun).toBe(40);
    expect(load('limits:\n  maxUpdatesPerRun: "12.5%"\n').config.limits.maxUpdatesPerRun).toBe('12.5%');
    expect(load('limits:\n  maxUpdatesPerRun: "100%"\n').diagnostics).toEqual([]);
    expect(load('limits:\n  maxUpdatesPerRun: 0\n').diagnostics).toEqual([]);
  });

  it.each([['"125%"'], ['-1'], ['abc'], ['2.5'], ['"25"'], ['"-5%"']])('reports maxUpdatesPerRun: %s on its line, saying what is allowed', (value) => {
    const model = load(`drift:\n  mode: report\nlimits:\n  maxUpdatesPerRun: ${value}\n`);
    expect(model.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'schema.invalid', location: expect.objectContaining({ file: 'converge.yml', line: 6 }) }),
    ]);
    expect(model.diagnostics[0]!.message).toContain('"limits.maxUpdatesPerRun"');
    expect(model.diagnostics[0]!.message).toContain('a share of the declared resources from "0%" to "100%"');
  });

  it.each([['"125%"'], ['-1'], ['abc']])('reports prune.maxDeletionsPerRun: %s on its line', (value) => {
    const model = load(`prune:\n  enabled: true\n  maxDeletionsPerRun: ${value}\n`);
    expect(model.diagnostics).toEqual([expect.objectContaining({ code: 'schema.invalid', location: expect.objectContaining({ file: 'converge.yml', line: 5 }) })]);
    expect(model.diagnostics[0]!.message).toContain('"prune.maxDeletionsPerRun"');
  });

  it('names an unknown field under limits with the closest known one', () => {
    const model = load('limits:\n  maxUpdatePerRun: 5\n');
    expect(model.diagnostics).toEqual([expect.objectContaining({ code: 'schema.unknown-field', location: expect.objectContaining({ line: 4 }) })]);
    expect(model.diagnostics[0]!.message).toContain('did you mean "maxUpdatesPerRun"?');
  });
});
