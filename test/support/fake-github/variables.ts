/**
 * Actions variables of repositories and of the org. GitHub stores names upper-cased and
 * compares them without regard to case; lists are wrapped (`{ total_count, variables }`) and
 * page at most 30 per page.
 */
import { bodyOf, HttpError, noContent, notFound, ok, paginate } from './http.js';
import { repoJson } from './repo-json.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import type { World } from './world.js';

export interface VariableRecord {
  name: string;
  value: string;
  created_at: string;
  updated_at: string;
}

export interface OrgVariableRecord extends VariableRecord {
  visibility: 'all' | 'private' | 'selected';
  repositoryIds: number[];
}

const NAME = /^[A-Z_][A-Z0-9_]*$/;

function checkName(name: unknown): string {
  const upper = typeof name === 'string' ? name.toUpperCase() : '';
  if (!NAME.test(upper) || upper.startsWith('GITHUB_')) {
    throw new HttpError(422, { message: 'Invalid name: use letters, digits and underscores, not starting with a digit or GITHUB_.', status: '422' });
  }
  return upper;
}

const conflict = () => new HttpError(409, { message: 'Already exists', status: '409' });

export class VariableStore {
  private readonly byRepo = new Map<number, Map<string, VariableRecord>>();
  readonly org = new Map<string, OrgVariableRecord>();

  constructor(private readonly world: World) {}

  of(repo: RepoRecord): Map<string, VariableRecord> {
    let map = this.byRepo.get(repo.id);
    if (!map) this.byRepo.set(repo.id, (map = new Map()));
    return map;
  }

  add(repo: RepoRecord, name: string, value: string): VariableRecord {
    const upper = checkName(name);
    if (this.of(repo).has(upper)) throw conflict();
    const now = this.world.now();
    const record = { name: upper, value, created_at: now, updated_at: now };
    this.of(repo).set(upper, record);
    return record;
  }

  addOrg(name: string, value: string, visibility: OrgVariableRecord['visibility'], repositoryIds: number[] = []): OrgVariableRecord {
    const upper = checkName(name);
    if (this.org.has(upper)) throw conflict();
    const now = this.world.now();
    const record = { name: upper, value, created_at: now, updated_at: now, visibility, repositoryIds: visibility === 'selected' ? [...repositoryIds] : [] };
    this.org.set(upper, record);
    return record;
  }
}

const variableJson = (v: VariableRecord) => ({ name: v.name, value: v.value, created_at: v.created_at, updated_at: v.updated_at });

export function variableRoutes(router: Router, world: World): void {
  const { repos, variables } = world;
  const requireOrg = (org: string) => {
    if (org.toLowerCase() !== world.org.toLowerCase()) throw notFound();
  };
  const repoVariable = (repo: RepoRecord, name: string) => {
    const found = variables.of(repo).get(name.toUpperCase());
    if (!found) throw notFound();
    return found;
  };
  const orgVariable = (name: string) => {
    const found = variables.org.get(name.toUpperCase());
    if (!found) throw notFound();
    return found;
  };
  const repositoryIds = (value: unknown): number[] => {
    const ids = Array.isArray(value) ? (value as number[]) : [];
    for (const id of ids) if (!repos.getById(id)) throw new HttpError(422, { message: `Repository ${id} not found`, status: '422' });
    return [...new Set(ids)];
  };
  const page = { apiBase: world.urls.api, defaultPerPage: 10, maxPerPage: 30, wrap: 'variables' };

  router.get('/repos/{owner}/{repo}/actions/variables', (req) => {
    const repo = repos.require(req.params.owner!, req.params.repo!);
    const list = [...variables.of(repo).values()].sort((a, b) => a.name.localeCompare(b.name));
    return paginate(req, list, variableJson, page);
  });

  router.post('/repos/{owner}/{repo}/actions/variables', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const body = bodyOf(req);
    variables.add(repo, String(body.name ?? ''), String(body.value ?? ''));
    return ok({}, 201);
  });

  router.get('/repos/{owner}/{repo}/actions/variables/{name}', (req) =>
    ok(variableJson(repoVariable(repos.require(req.params.owner!, req.params.repo!), req.params.name!))),
  );

  router.patch('/repos/{owner}/{repo}/actions/variables/{name}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    const variable = repoVariable(repo, req.params.name!);
    const body = bodyOf(req);
    if (typeof body.name === 'string' && body.name.toUpperCase() !== variable.name) {
      const name = checkName(body.name);
      if (variables.of(repo).has(name)) throw conflict();
      variables.of(repo).delete(variable.name);
      variable.name = name;
      variables.of(repo).set(name, variable);
    }
    if (typeof body.value === 'string') variable.value = body.value;
    variable.updated_at = world.now();
    return noContent();
  });

  router.delete('/repos/{owner}/{repo}/actions/variables/{name}', (req) => {
    const repo = repos.requireWritable(req.params.owner!, req.params.repo!);
    if (!variables.of(repo).delete(repoVariable(repo, req.params.name!).name)) throw notFound();
    return noContent();
  });

  router.get('/orgs/{org}/actions/variables', (req) => {
    requireOrg(req.params.org!);
    const list = [...variables.org.values()].sort((a, b) => a.name.localeCompare(b.name));
    return paginate(
      req,
      list,
      (v) => ({
        ...variableJson(v),
        visibility: v.visibility,
        ...(v.visibility === 'selected' ? { selected_repositories_url: `${world.urls.api}/orgs/${world.org}/actions/variables/${v.name}/repositories` } : {}),
      }),
      page,
    );
  });

  router.post('/orgs/{org}/actions/variables', (req) => {
    requireOrg(req.params.org!);
    const body = bodyOf(req);
    const visibility = body.visibility as OrgVariableRecord['visibility'];
    variables.addOrg(String(body.name ?? ''), String(body.value ?? ''), visibility, repositoryIds(body.selected_repository_ids));
    return ok({}, 201);
  });

  router.patch('/orgs/{org}/actions/variables/{name}', (req) => {
    requireOrg(req.params.org!);
    const variable = orgVariable(req.params.name!);
    const body = bodyOf(req);
    if (typeof body.name === 'string' && body.name.toUpperCase() !== variable.name) {
      const name = checkName(body.name);
      if (variables.org.has(name)) throw conflict();
      variables.org.delete(variable.name);
      variable.name = name;
      variables.org.set(name, variable);
    }
    if (typeof body.value === 'string') variable.value = body.value;
    if (typeof body.visibility === 'string') variable.visibility = body.visibility as OrgVariableRecord['visibility'];
    if (body.selected_repository_ids !== undefined) variable.repositoryIds = repositoryIds(body.selected_repository_ids);
    if (variable.visibility !== 'selected') variable.repositoryIds = [];
    variable.updated_at = world.now();
    return noContent();
  });

  router.delete('/orgs/{org}/actions/variables/{name}', (req) => {
    requireOrg(req.params.org!);
    variables.org.delete(orgVariable(req.params.name!).name);
    return noContent();
  });

  router.get('/orgs/{org}/actions/variables/{name}/repositories', (req) => {
    requireOrg(req.params.org!);
    const variable = orgVariable(req.params.name!);
    if (variable.visibility !== 'selected') throw new HttpError(409, { message: 'The visibility is not selected', status: '409' });
    const list = variable.repositoryIds.flatMap((id) => repos.getById(id) ?? []);
    return paginate(req, list, (r) => repoJson(world, r, 'minimal'), { apiBase: world.urls.api, wrap: 'repositories' });
  });
}
