import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/config/load.js';
import { unpackSnapshot } from '../../src/github-app/snapshot.js';
import { SETTINGS, tarballOf } from './corpus.js';
import { hostileRegistry } from './run.js';

const repo = (name: string) => `kind: github.repository\nname: ${name}\nspec: { description: x }\n`;

describe('unpacking the config repo', () => {
  it('keeps every text file and reports an oversize one by path, without its content', async () => {
    const files = await unpackSnapshot(await tarballOf([['converge.yml', SETTINGS], ['repos/a.yml', repo('a')], ['repos/big.yml', 'x'.repeat(2 * 1024 * 1024)]]));
    expect([...files.keys()].sort()).toEqual(['converge.yml', 'repos/a.yml']);
    expect(files.problems).toEqual([expect.objectContaining({ path: 'repos/big.yml', code: 'file.too-large' })]);
  });

  it('does not fail on an oversize or binary file outside the model (docs, images)', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80]);
    const files = await unpackSnapshot(await tarballOf([['converge.yml', SETTINGS], ['repos/a.yml', repo('a')], ['docs/video.mp4', 'x'.repeat(2 * 1024 * 1024)], ['docs/logo.png', png]]));
    const model = loadModel(files, hostileRegistry);
    expect(model.diagnostics).toEqual([]);
    expect(model.resources.map((r) => r.name)).toEqual(['a']);
  });

  it('reports a resource file that is not UTF-8 on that file, never as absent', async () => {
    const files = await unpackSnapshot(await tarballOf([['converge.yml', SETTINGS], ['repos/a.yml', Buffer.concat([Buffer.from(repo('a')), Buffer.from([0xc3, 0x28])])]]));
    const model = loadModel(files, hostileRegistry);
    expect(model.diagnostics).toEqual([expect.objectContaining({ code: 'file.not-text', location: expect.objectContaining({ file: 'repos/a.yml', line: 1 }) })]);
  });

  it('plans nothing from a snapshot stopped at a limit, however valid the files read before it', async () => {
    const files = await unpackSnapshot(await tarballOf([['converge.yml', SETTINGS], ['repos/a.yml', repo('a')], ...Array.from({ length: 70 }, (_, i): [string, string] => [`blob/${i}.bin`, 'z'.repeat(1_000_000)])]));
    expect(files.size).toBe(0);
    const model = loadModel(files, hostileRegistry);
    expect(model.resources).toEqual([]);
    expect(model.diagnostics).toEqual([expect.objectContaining({ code: 'snapshot.too-large', severity: 'error' })]);
  });
});
