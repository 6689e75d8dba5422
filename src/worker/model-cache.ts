import { loadModel, type ConfigFiles, type Model } from '../config/load.js';
import { parseYamlFile, type ParsedFile } from '../config/yaml.js';
import type { Registry } from '../core/registry.js';
import type { RepoRef } from '../github-app/index.js';

interface Kept {
  model: Model;
  /** Each model file's text and what parsing it gave, for the next tree of the same repo. */
  parsed: Map<string, { text: string; file: ParsedFile }>;
}

/**
 * The last few loaded models of this process, by config repo and root tree: a plan loads its
 * merge base and head, and the convergence of that PR's merge needs the same two, so a
 * 5,000-file config repo is parsed and validated once rather than on every job. A tree names
 * its content, so an entry is never stale. A new tree of a kept repo parses only the files
 * whose text changed; the rest reuse what parsing gave before. Models are only read once loaded.
 */
export class ModelCache {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly registry: Registry,
    /** Models kept: two, a base and a head; each holds every resource of its config repo. */
    private readonly size = 2,
  ) {}

  load(ref: RepoRef, tree: string | undefined, files: ConfigFiles): Model {
    const repo = `${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}`;
    if (!tree) return loadModel(files, this.registry);
    const key = `${repo}:${tree}`;
    const hit = this.kept.get(key);
    if (hit) {
      // Most recently used last.
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit.model;
    }
    const earlier = [...this.kept].filter(([k]) => k.startsWith(`${repo}:`)).map(([, kept]) => kept.parsed);
    const parsed = new Map<string, { text: string; file: ParsedFile }>();
    const parseFile = (path: string, text: string): ParsedFile => {
      const known = earlier.map((p) => p.get(path)).find((entry) => entry?.text === text);
      const file = known?.file ?? parseYamlFile(path, text);
      parsed.set(path, { text, file });
      return file;
    };
    const model = loadModel(files, this.registry, { parseFile });
    this.kept.set(key, { model, parsed });
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= this.size) break;
      this.kept.delete(oldest);
    }
    return model;
  }
}
