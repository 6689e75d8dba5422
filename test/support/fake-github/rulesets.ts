/**
 * Repository and organization rulesets. Stored as GitHub returns them (snake_case rules and
 * parameters); names are unique per repository or org. Lists leave out rules and conditions.
 */
import { bodyOf, HttpError, noContent, notFound, ok, paginate } from './http.js';
import type { RepoRecord } from './repos.js';
import type { Router } from './router.js';
import type { World } from './world.js';
import { nodeId } from './world.js';

export interface RulesetRecord {
  id: number;
  name: string;
  target: 'branch' | 'tag' | 'push';
  enforcement: 'disabled' | 'active' | 'evaluate';
  bypass_actors: Array<{ actor_id: number | null; actor_type: string; bypass_mode: string }>;
  conditions: Record<string, unknown> | null;
  rules: Array<{ type: string; parameters?: Record<string, unknown> }>;
  created_at: string;
  updated_at: string;
}

type Scope = { kind: 'repo'; repo: RepoRecord } | { kind: 'org' };

const unprocessable = (message: string) => new HttpError(422, { message: 'Validation Failed', errors: [message], status: '422' });

export class RulesetStore {
  private readonly byScope = new Map<string, Map<number, RulesetRecord>>();

  constructor(private readonly world: World) {}

  private key(scope: Scope): string {
    return scope.kind === 'org' ? 'org' : `repo:${scope.repo.id}`;
  }

  of(scope: Scope): Map<number, RulesetRecord> {
    const key = this.key(scope);
    let map = this.byScope.get(key);
    if (!map) this.byScope.set(key, (map = new Map()));
    return map;
  }

  list(scope: Scope): RulesetRecord[] {
    return [...this.of(scope).values()].sort((a, b) => a.id - b.id);
  }

  create(scope: Scope, body: Record<string, unknown>): RulesetRecord {
    const now = this.world.now();
    const ruleset: RulesetRecord = {
      id: this.world.nextId(),
      name: '',
      target: 'branch',
      enforcement: 'disabled',
      bypass_actors: [],
      conditions: null,
      rules: [],
      created_at: now,
      updated_at: now,
    };
    this.update(scope, ruleset, body);
    this.of(scope).set(ruleset.id, ruleset);
    return ruleset;
  }

  update(scope: Scope, ruleset: RulesetRecord, body: Record<string, unknown>): void {
    if (typeof body.name === 'string') {
      if (!body.name.trim()) throw unprocessable('Name must not be blank');
      const clash = this.list(scope).find((r) => r.id !== ruleset.id && r.name.toLowerCase() === String(body.name).toLowerCase());
      if (clash) throw unprocessable('Name must be unique');
      ruleset.name = body.name;
    }
    if (typeof body.target === 'string') ruleset.target = body.target as RulesetRecord['target'];
    if (typeof body.enforcement === 'string') ruleset.enforcement = body.enforcement as RulesetRecord['enforcement'];
    if (Array.isArray(body.bypass_actors)) {
      ruleset.bypass_actors = (body.bypass_actors as Array<Record<string, unknown>>).map((a) => {
        const type = String(a.actor_type);
        const id = (a.actor_id as number | null | undefined) ?? null;
        if (type === 'Team' && (id === null || !this.world.teams.getById(id))) throw unprocessable(`Actor Team ${String(id)} does not exist`);
        if (type === 'Integration' && (id === null || !this.world.users.appById(id))) throw unprocessable(`Actor Integration ${String(id)} does not exist`);
        return { actor_id: type === 'DeployKey' ? null : id, actor_type: type, bypass_mode: String(a.bypass_mode ?? 'always') };
      });
    }
    if (body.conditions !== undefined) ruleset.conditions = (body.conditions as Record<string, unknown> | null) ?? null;
    if (scope.kind === 'org' && !ruleset.conditions) throw unprocessable('Organization rulesets need conditions');
    if (Array.isArray(body.rules)) {
      const types = new Set<string>();
      for (const rule of body.rules as Array<{ type: string }>) {
        if (types.has(rule.type)) throw unprocessable(`Rule ${rule.type} is given twice`);
        types.add(rule.type);
      }
      ruleset.rules = structuredClone(body.rules as RulesetRecord['rules']);
    }
    ruleset.updated_at = this.world.now();
  }
}

function rulesetJson(world: World, scope: Scope, ruleset: RulesetRecord, full: boolean): Record<string, unknown> {
  const source = scope.kind === 'org' ? world.org : `${scope.repo.owner}/${scope.repo.name}`;
  const self = scope.kind === 'org' ? `${world.urls.api}/orgs/${world.org}/rulesets/${ruleset.id}` : `${world.urls.api}/repos/${source}/rulesets/${ruleset.id}`;
  return {
    id: ruleset.id,
    name: ruleset.name,
    target: ruleset.target,
    source_type: scope.kind === 'org' ? 'Organization' : 'Repository',
    source,
    enforcement: ruleset.enforcement,
    node_id: nodeId('RRS', ruleset.id),
    _links: { self: { href: self } },
    created_at: ruleset.created_at,
    updated_at: ruleset.updated_at,
    ...(full ? { bypass_actors: ruleset.bypass_actors, current_user_can_bypass: 'never', conditions: ruleset.conditions, rules: ruleset.rules } : {}),
  };
}

export function rulesetRoutes(router: Router, world: World): void {
  const { repos, rulesets } = world;
  const orgScope = (org: string): Scope => {
    if (org.toLowerCase() !== world.org.toLowerCase()) throw notFound();
    return { kind: 'org' };
  };
  const find = (scope: Scope, id: string) => {
    const ruleset = rulesets.of(scope).get(Number(id));
    if (!ruleset) throw notFound();
    return ruleset;
  };
  const paths = [
    { base: '/repos/{owner}/{repo}/rulesets', scope: (p: Record<string, string>, write: boolean): Scope => ({ kind: 'repo', repo: write ? repos.requireWritable(p.owner!, p.repo!) : repos.require(p.owner!, p.repo!) }) },
    { base: '/orgs/{org}/rulesets', scope: (p: Record<string, string>): Scope => orgScope(p.org!) },
  ];
  for (const { base, scope } of paths) {
    router.get(base, (req) => {
      const s = scope(req.params, false);
      // A repository's list includes the org's rulesets unless includes_parents=false.
      const parents = s.kind === 'repo' && req.query.includes_parents !== 'false' ? rulesets.list({ kind: 'org' }).map((r) => rulesetJson(world, { kind: 'org' }, r, false)) : [];
      const own = rulesets.list(s).map((r) => rulesetJson(world, s, r, false));
      return paginate(req, [...own, ...parents], (r) => r, { apiBase: world.urls.api });
    });
    router.post(base, (req) => {
      const s = scope(req.params, true);
      return ok(rulesetJson(world, s, rulesets.create(s, bodyOf(req)), true), 201);
    });
    router.get(`${base}/{ruleset_id}`, (req) => {
      const s = scope(req.params, false);
      return ok(rulesetJson(world, s, find(s, req.params.ruleset_id!), true));
    });
    router.put(`${base}/{ruleset_id}`, (req) => {
      const s = scope(req.params, true);
      const ruleset = find(s, req.params.ruleset_id!);
      rulesets.update(s, ruleset, bodyOf(req));
      return ok(rulesetJson(world, s, ruleset, true));
    });
    router.delete(`${base}/{ruleset_id}`, (req) => {
      const s = scope(req.params, true);
      rulesets.of(s).delete(find(s, req.params.ruleset_id!).id);
      return noContent();
    });
  }
}
