/** Labels: per repository, looked up case-insensitively by name as GitHub does. */
import { bodyOf, noContent, notFound, ok, paginate, validationFailed } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import { nodeId, type World } from './world.js';

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export type LabelSeed = { name: string; color?: string; description?: string | null };

const COLOR = /^[0-9a-fA-F]{6}$/;

export class LabelStore {
  /** Repository id → lower-cased name → label. */
  private readonly byRepo = new Map<number, Map<string, LabelRecord>>();

  constructor(private readonly world: World) {}

  private labelsOf(repo: RepoRecord): Map<string, LabelRecord> {
    let labels = this.byRepo.get(repo.id);
    if (!labels) this.byRepo.set(repo.id, (labels = new Map()));
    return labels;
  }

  /** In creation order, as GitHub lists them. */
  list(repo: RepoRecord): LabelRecord[] {
    return [...this.labelsOf(repo).values()].sort((a, b) => a.id - b.id);
  }

  count(repo: RepoRecord): number {
    return this.byRepo.get(repo.id)?.size ?? 0;
  }

  get(repo: RepoRecord, name: string): LabelRecord | undefined {
    return this.byRepo.get(repo.id)?.get(name.toLowerCase());
  }

  add(repo: RepoRecord, seed: LabelSeed): LabelRecord {
    const labels = this.labelsOf(repo);
    if (labels.has(seed.name.toLowerCase())) throw validationFailed('Label', 'already_exists', 'name');
    const color = (seed.color ?? 'ededed').replace(/^#/, '');
    if (!COLOR.test(color)) throw validationFailed('Label', 'invalid', 'color');
    if ((seed.description?.length ?? 0) > 100) throw validationFailed('Label', 'invalid', 'description');
    const label: LabelRecord = { id: this.world.nextId(), name: seed.name, color: color.toLowerCase(), description: seed.description ?? null, default: false };
    labels.set(label.name.toLowerCase(), label);
    return label;
  }

  update(repo: RepoRecord, name: string, change: { new_name?: string; color?: string; description?: string | null }): LabelRecord {
    const labels = this.labelsOf(repo);
    const label = labels.get(name.toLowerCase());
    if (!label) throw notFound();
    if (change.color !== undefined) {
      const color = change.color.replace(/^#/, '');
      if (!COLOR.test(color)) throw validationFailed('Label', 'invalid', 'color');
      label.color = color.toLowerCase();
    }
    if (change.description !== undefined) {
      if ((change.description?.length ?? 0) > 100) throw validationFailed('Label', 'invalid', 'description');
      label.description = change.description;
    }
    if (change.new_name !== undefined && change.new_name !== label.name) {
      const clash = labels.get(change.new_name.toLowerCase());
      if (clash && clash !== label) throw validationFailed('Label', 'already_exists', 'name');
      labels.delete(label.name.toLowerCase());
      label.name = change.new_name;
      labels.set(label.name.toLowerCase(), label);
    }
    return label;
  }

  delete(repo: RepoRecord, name: string): void {
    if (!this.byRepo.get(repo.id)?.delete(name.toLowerCase())) throw notFound();
  }
}

export function labelJson(world: World, repo: RepoRecord, label: LabelRecord): Record<string, unknown> {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${world.urls.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

export function labelRoutes(router: Router, world: World): void {
  const { repos, labels } = world;
  const render = (repo: RepoRecord) => (label: LabelRecord) => labelJson(world, repo, label);

  router.get('/repos/{owner}/{repo}/labels', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    return paginate(req, labels.list(repo), render(repo), { apiBase: world.urls.api });
  });

  router.post('/repos/{owner}/{repo}/labels', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const body = bodyOf(req);
    if (typeof body.name !== 'string') throw validationFailed('Label', 'missing_field', 'name');
    const label = labels.add(repo, {
      name: body.name,
      ...(typeof body.color === 'string' ? { color: body.color } : {}),
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
    });
    return ok(render(repo)(label), 201);
  });

  router.get('/repos/{owner}/{repo}/labels/{name}', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    const label = labels.get(repo, req.params.name!);
    if (!label) throw notFound();
    return ok(render(repo)(label));
  });

  router.patch('/repos/{owner}/{repo}/labels/{name}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const body = bodyOf(req);
    const label = labels.update(repo, req.params.name!, {
      ...(typeof body.new_name === 'string' ? { new_name: body.new_name } : {}),
      ...(typeof body.color === 'string' ? { color: body.color } : {}),
      ...(typeof body.description === 'string' || body.description === null ? { description: body.description } : {}),
    });
    return ok(render(repo)(label));
  });

  router.delete('/repos/{owner}/{repo}/labels/{name}', (req) => {
    labels.delete(repos.requireWritable(req.params.owner!, req.params.repo!), req.params.name!);
    return noContent();
  });
}
