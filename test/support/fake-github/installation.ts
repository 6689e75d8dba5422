/** App installation auth: what Probot/Octokit call before any repository request. */
import { randomBytes, verify } from 'node:crypto';
import { HttpError, notFound, ok, type FakeRequest } from './http.js';
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
    events: [...world.installationEvents],
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/**
 * GitHub's check of the app JWT on `/app/...` routes: an RS256 token signed by the app's key,
 * whose `iss` is the app id and which has not expired. Only enforced when the fake knows the key.
 */
export function requireAppJwt(world: World, req: FakeRequest): void {
  if (!world.appPublicKey) return;
  const unauthorized = (message: string) => new HttpError(401, { message, documentation_url: 'https://docs.github.com/rest', status: '401' });
  const token = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) throw unauthorized('A JSON web token could not be decoded');
  const [header, payload, signature] = parts as [string, string, string];
  const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), world.appPublicKey, Buffer.from(signature, 'base64url'));
  if (!signed) throw unauthorized("A JSON web token could not be decoded");
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
  if (String(claims.iss) !== String(world.appId)) throw unauthorized("'Issuer' claim ('iss') must be an Integer");
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) throw unauthorized("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
}

function appJson(world: World): Record<string, unknown> {
  return {
    id: world.appId,
    slug: world.appSlug,
    client_id: `Iv1.${world.appId.toString(16).padStart(16, '0')}`,
    node_id: `A_kwDO${Buffer.from(String(world.appId)).toString('base64url')}`,
    owner: userJson(world, orgActor(world.org)),
    name: 'Converge',
    description: 'Operations by pull request.',
    external_url: 'https://github.com/apps/converge',
    html_url: `${world.urls.web}/apps/${world.appSlug}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: PERMISSIONS,
    events: [...world.installationEvents],
  };
}

export function installationRoutes(router: Router, world: World): void {
  router.get('/app', (req) => {
    requireAppJwt(world, req);
    return ok(appJson(world));
  });

  router.post('/app/installations/{installation_id}/access_tokens', (req) => {
    requireAppJwt(world, req);
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

  router.get('/app/installations', (req) => {
    requireAppJwt(world, req);
    return ok([installationJson(world)]);
  });

  router.get('/app/installations/{installation_id}', (req) => {
    requireAppJwt(world, req);
    if (Number(req.params.installation_id) !== world.installationId) throw notFound();
    return ok(installationJson(world));
  });

  router.get('/repos/{owner}/{repo}/installation', (req) => {
    requireAppJwt(world, req);
    world.repos.require(req.params.owner!, req.params.repo!);
    return ok(installationJson(world));
  });

  router.get('/orgs/{org}/installation', (req) => {
    requireAppJwt(world, req);
    if (req.params.org!.toLowerCase() !== world.org.toLowerCase()) throw notFound();
    return ok(installationJson(world));
  });
}
