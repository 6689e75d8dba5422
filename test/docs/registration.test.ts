import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { DRIFT_EVENTS } from '../../src/app/drift-events.js';

/**
 * The app GitHub creates from the registration page must deliver its webhooks where the user
 * said (README, "Setting it up for an org"). Probot builds the manifest in ManifestCreation,
 * which its package does not export, so it is imported from its file.
 */
interface ManifestCreationLike {
  getManifest(options: { pkg: Record<string, unknown>; baseUrl: string }): string;
  readonly createAppUrl: string;
}
const { ManifestCreation } = (await import(pathToFileURL(resolve('node_modules/probot/lib/manifest-creation.js')).href)) as {
  ManifestCreation: new () => ManifestCreationLike;
};
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;
const manifest = () => JSON.parse(new ManifestCreation().getManifest({ pkg, baseUrl: 'https://converge.example.com' })) as Record<string, unknown>;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('registration manifest (Probot’s setup flow reading app.yml)', () => {
  it('sends webhooks to WEBHOOK_PROXY_URL when it is set', () => {
    vi.stubEnv('WEBHOOK_PROXY_URL', 'https://smee.io/converge-dev-channel');
    expect(manifest().hook_attributes).toEqual({ url: 'https://smee.io/converge-dev-channel' });
  });

  it('otherwise sends them to the address the setup page was opened at', () => {
    vi.stubEnv('WEBHOOK_PROXY_URL', '');
    expect(manifest().hook_attributes).toEqual({ url: 'https://converge.example.com/' });
  });

  it('keeps app.yml’s name, privacy, events and permissions, and no fixed webhook URL', () => {
    const appYml = parse(readFileSync('app.yml', 'utf8')) as Record<string, unknown>;
    // Probot spreads app.yml over its own fields: a hook_attributes here would win.
    expect(appYml).not.toHaveProperty('hook_attributes');
    expect(manifest()).toMatchObject({
      name: 'Converge',
      public: false,
      redirect_url: 'https://converge.example.com/probot/setup',
      default_events: appYml.default_events,
      default_permissions: appYml.default_permissions,
    });
  });

  it('registers the app under the org named by GH_ORG', () => {
    vi.stubEnv('GHE_HOST', '');
    vi.stubEnv('GH_ORG', 'acme');
    expect(new ManifestCreation().createAppUrl).toBe('https://github.com/organizations/acme/settings/apps/new');
    vi.stubEnv('GH_ORG', '');
    expect(new ManifestCreation().createAppUrl).toBe('https://github.com/settings/apps/new');
    vi.stubEnv('GHE_HOST', 'github.acme.internal');
    vi.stubEnv('GH_ORG', 'acme');
    expect(new ManifestCreation().createAppUrl).toBe('https://github.acme.internal/organizations/acme/settings/apps/new');
  });
});

describe('app.yml subscribes to what the app handles', () => {
  it('names every event the drift handler maps, and the events the other handlers need', () => {
    const events = new Set((parse(readFileSync('app.yml', 'utf8')) as { default_events: string[] }).default_events);
    const drift = new Set(DRIFT_EVENTS.map((name) => name.split('.')[0]!));
    expect([...drift].filter((event) => !events.has(event))).toEqual([]);
    for (const event of ['pull_request', 'push', 'check_run', 'check_suite', 'issue_comment', 'pull_request_review', 'repository']) expect(events).toContain(event);
  });
});
