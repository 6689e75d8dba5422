import { loadModel, type ConfigFiles, type Model } from '../config/load.js';
import type { Registry } from '../core/registry.js';
import type { RepoRef } from '../github-app/index.js';

/**
 * The last few loaded models of this process, by config repo and root tree: a plan loads its
 * merge base and head, and the convergence of that PR's merge needs the same two, so a
 * 5,000-file config repo is parsed and validated once rather than on every job. A tree names
 * its content, so an entry is never stale. Models are only ever read once loaded.
 */
export class ModelCache {
  private readonly models = new Map<string, Model>();

  constructor(
    private readonly registry: Registry,
    /** Models kept: two, a base and a head; each holds every resource of its config repo. */
    private readonly size = 2,
  ) {}

  load(ref: RepoRef, tree: string | undefined, files: ConfigFiles): Model {
    if (!tree) return loadModel(files, this.registry);
    const key = `${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}:${tree}`;
    const hit = this.models.get(key);
    if (hit) {
      // Most recently used last.
      this.models.delete(key);
      this.models.set(key, hit);
      return hit;
    }
    const model = loadModel(files, this.registry);
    this.models.set(key, model);
    for (const oldest of this.models.keys()) {
      if (this.models.size <= this.size) break;
      this.models.delete(oldest);
    }
    return model;
  }
}
