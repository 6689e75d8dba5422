import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../../src/config/limits.js';
import type { ConfigFiles } from '../../src/config/load.js';
import { compareCommits, type RepoRef, type SnapshotCache } from '../../src/github-app/index.js';
import { fetchSnapshot } from '../../src/github-app/snapshot.js';
import { changedPaths, DELTA_FILE_LIMIT, snapshotAt, snapshotPair } from '../../src/github-app/snapshots.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, silent, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const ref = { owner: 'acme', repo: CONFIG_REPO };

/** The cache as the workers share it, in memory; `failing` makes every call throw. */
class MemoryCache implements SnapshotCache {
  readonly entries = new Map<string, ConfigFiles>();
  failing = false;
  private check() {
    if (this.failing) throw new Error('cache down');
  }
  async has(_ref: RepoRef, tree: string) {
    this.check();
    return this.entries.has(tree);
  }
  async get(_ref: RepoRef, tree: string) {
    this.check();
    return this.entries.get(tree);
  }
  async set(_ref: RepoRef, tree: string, files: ConfigFiles) {
    this.check();
    this.entries.set(tree, files);
  }
}

const baseFiles = () => {
  const files: Record<string, string> = { 'converge.yml': 'providers:\n  github: {}\n' };
  for (let i = 0; i < 30; i++) files[`repos/r${i}.yml`] = `kind: github.repository\nname: r${i}\n`;
  return files;
};

async function setup(change: Record<string, string | null>) {
  fake.addRepo({ name: CONFIG_REPO });
  const base = fake.setFiles(CONFIG_REPO, baseFiles());
  const head = fake.commit(CONFIG_REPO, change, { branch: 'pr' });
  const client = await workerContext(fake).auth(1);
  const comparison = await compareCommits(client, ref, base, head);
  const cache = new MemoryCache();
  const source = { client, ref, cache, log: silent };
  return { client, base, head, comparison, cache, source };
}

const asObject = (files: ConfigFiles) => Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b)));
const configRequests = () => fake.requests.filter((r) => !r.path.startsWith('/app/')).map((r) => `${r.method} ${decodeURIComponent(r.path).replace(/[0-9a-f]{40}/g, '<sha>')}`);

describe('config repo snapshots', () => {
  it('fetches both tarballs at once when nothing is cached, keeps both, and lists what changed', async () => {
    const { comparison, cache, source } = await setup({ 'repos/r1.yml': 'kind: github.repository\nname: r1\nspec: { description: x }\n' });
    fake.resetLog();
    const pair = await snapshotPair(source, comparison.mergeBase, comparison.head);
    expect(configRequests().filter((r) => r.includes('/tarball/'))).toHaveLength(2);
    expect(pair.changed).toEqual(['repos/r1.yml']);
    expect([...cache.entries.keys()].sort()).toEqual([comparison.mergeBase.tree, comparison.head.tree].sort());
  });

  it('builds head from a cached base and only the changed files, the same snapshot the tarball holds', async () => {
    const { client, head, comparison, cache, source } = await setup({
      'repos/r1.yml': 'kind: github.repository\nname: r1\nspec: { description: changed }\n',
      'repos/r2.yml': null,
      'repos/new.yml': 'kind: github.repository\nname: new\n',
    });
    await snapshotAt(source, comparison.mergeBase);
    fake.resetLog();
    const pair = await snapshotPair(source, comparison.mergeBase, comparison.head, comparison.files);
    // Two fetched files; the removed one costs nothing.
    expect(configRequests().sort()).toEqual([`GET /repos/acme/${CONFIG_REPO}/contents/repos/new.yml`, `GET /repos/acme/${CONFIG_REPO}/contents/repos/r1.yml`]);
    expect(asObject(pair.head)).toEqual(asObject(await fetchSnapshot(client, ref, head)));
    expect(pair.changed).toEqual(['repos/new.yml', 'repos/r1.yml', 'repos/r2.yml']);
    expect(cache.entries.has(comparison.head.tree!)).toBe(true);
    // Asked again, both come from the cache.
    fake.resetLog();
    await snapshotPair(source, comparison.mergeBase, comparison.head, comparison.files);
    expect(configRequests()).toEqual([]);
  });

  it('takes a moved file as both of its paths', async () => {
    const { comparison, source } = await setup({ 'repos/r3.yml': null, 'moved/r3.yml': 'kind: github.repository\nname: r3\n' });
    await snapshotAt(source, comparison.mergeBase);
    const pair = await snapshotPair(source, comparison.mergeBase, comparison.head, comparison.files);
    expect(pair.changed).toEqual(['moved/r3.yml', 'repos/r3.yml']);
    expect(pair.head.has('repos/r3.yml')).toBe(false);
  });

  it('falls back to the tarball for more than a few changed files, and for a file past the size limit', async () => {
    const many = Object.fromEntries(Array.from({ length: DELTA_FILE_LIMIT + 1 }, (_, i) => [`repos/r${i}.yml`, `kind: github.repository\nname: r${i}\nspec: { description: "${i}" }\n`]));
    const first = await setup(many);
    await snapshotAt(first.source, first.comparison.mergeBase);
    fake.resetLog();
    await snapshotPair(first.source, first.comparison.mergeBase, first.comparison.head, first.comparison.files);
    expect(configRequests().filter((r) => r.includes('/contents/'))).toEqual([]);
    expect(configRequests().filter((r) => r.includes('/tarball/'))).toHaveLength(1);

    const huge = fake.commit(CONFIG_REPO, { 'repos/r1.yml': `# ${'x'.repeat(MAX_FILE_BYTES)}\n` }, { branch: 'huge', from: first.base });
    const comparison = await compareCommits(first.client, ref, first.base, huge);
    fake.resetLog();
    const pair = await snapshotPair(first.source, comparison.mergeBase, comparison.head, comparison.files);
    expect(configRequests().filter((r) => r.includes('/tarball/'))).toHaveLength(1);
    // The tarball's answer: the file is a problem, never silently absent.
    expect(pair.head.problems?.map((p) => [p.path, p.code])).toEqual([['repos/r1.yml', 'file.too-large']]);
    expect(pair.changed).toContain('repos/r1.yml');
  });

  it('works on without a cache that fails', async () => {
    const { comparison, cache, source } = await setup({ 'repos/r1.yml': 'kind: github.repository\nname: r1\nspec: { description: y }\n' });
    cache.failing = true;
    const pair = await snapshotPair(source, comparison.mergeBase, comparison.head, comparison.files);
    expect(pair.changed).toEqual(['repos/r1.yml']);
  });

  it('counts a file either side could not read as changed', () => {
    const base = Object.assign(new Map([['a.yml', 'a']]), { problems: [{ path: 'big.yml', code: 'file.too-large', message: 'big' }] });
    const head = new Map([
      ['a.yml', 'a'],
      ['b.yml', 'b'],
    ]);
    expect(changedPaths(base, head)).toEqual(['b.yml', 'big.yml']);
  });
});
