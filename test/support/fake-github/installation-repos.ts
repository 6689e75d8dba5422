/** `GET /installation/repositories`: the repositories the installation reaches (all of the org's: selection `all`). */
import { paginate } from './http.js';
import { repoJson } from './repo-json.js';
import type { Router } from './router.js';
import type { World } from './world.js';

export function installationRepoRoutes(router: Router, world: World): void {
  router.get('/installation/repositories', (req) => {
    // GitHub lists them oldest first.
    const list = [...world.repos.list(world.org)].sort((a, b) => a.id - b.id);
    const page = paginate(req, list, (r) => repoJson(world, r, 'full'), { apiBase: world.urls.api, wrap: 'repositories' });
    return { ...page, body: { ...(page.body as Record<string, unknown>), repository_selection: 'all' } };
  });
}
