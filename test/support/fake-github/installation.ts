/** App installation auth: what Probot/Octokit call before any repository request. */
import { randomBytes } from 'node:crypto';
import { notFound, ok } from './http.js';
import type { Router } from './router.js';
import { orgActor, userJson, type World } from './world.js';

const PERMISSIONS = {
  administration: 'write',
  checks: 'write',
  contents: 'read',
  issues: 'write',
  members: 'write',
  metadata: 'read',
  pull_requests: 'read',
  organization_administration: 'read',
};

function installationJson(world: World): Record<string, unknown> {
  const api = world.urls.api;
  return {
    id: world.installationId,
    account: userJson(world, orgActor(world.org)),
    repository_selection: 'all',
    access_tokens_url: `${api}/app/installations/${world.installationId}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${world.urls.web}/organizations/${world.org}/settings/installations/${world.installationId}`,
    app_id: world.appId,
    app_slug: world.appSlug,
    target_id: orgActor(world.org).id,
    target_type: 'Organization',
    permissions: PERMISSIONS,
    events: ['check_run', 'check_suite', 'pull_request', 'push'],
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export function installationRoutes(router: Router, world: World): void {
  router.post('/app/installations/{installation_id}/access_tokens', (req) => {
    if (Number(req.params.installation_id) !== world.installationId) throw notFound();
    return ok(
      {
        token: `ghs_${randomBytes(18).toString('hex')}`,
        expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: PERMISSIONS,
        repository_selection: 'all',
      },
      201,
    );
  });

  router.get('/app/installations', () => ok([installationJson(world)]));

  router.get('/app/installations/{installation_id}', (req) => {
    if (Number(req.params.installation_id) !== world.installationId) throw notFound();
    return ok(installationJson(world));
  });

  router.get('/repos/{owner}/{repo}/installation', (req) => {
    world.repos.require(req.params.owner!, req.params.repo!);
    return ok(installationJson(world));
  });

  router.get('/orgs/{org}/installation', (req) => {
    if (req.params.org!.toLowerCase() !== world.org.toLowerCase()) throw notFound();
    return ok(installationJson(world));
  });
}
