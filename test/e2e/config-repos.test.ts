/**
 * Two config repos in one org, found by a pattern, with the shipped `npm start` against the
 * fake GitHub over HTTP: catch-up on start finds both among the installation's repositories,
 * each converges its own resources, and a resource both declare is applied by neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, pushEvent } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';
import { SECRET, startStack, type Stack } from './support/stack.js';

const SETTINGS = 'providers:\n  github: {}\n';
const PLATFORM = 'converge-platform';
const DB = 'converge-db';
const repoFile = (name: string, description: string) => `kind: github.repository\nname: ${name}\nspec:\n  description: ${description}\n`;

describe('several config repos per org, by pattern', () => {
  let stack: Stack;
  let app: ShippedProcess;

  beforeAll(async () => {
    stack = await startStack();
    for (const name of ['api', 'db', PLATFORM, DB]) stack.fake.addRepo({ name });
    stack.fake.commit(PLATFORM, { 'converge.yml': SETTINGS, 'repos/api.yml': repoFile('api', 'platform') });
    stack.fake.commit(DB, { 'converge.yml': SETTINGS, 'repos/db.yml': repoFile('db', 'database') });
    app = await stack.start('start', { env: { CONVERGE_CONFIG_REPO: 'converge-*' } });
    await app.waitForLog((l) => l.msg === 'web server listening', 'web server listening');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  const applyRun = (repo: string, sha: string) =>
    stack.fake.checkRuns(repo).find((r) => r.name === 'Converge apply' && r.head_sha === sha && r.status === 'completed');

  it('catches up both on start, each converging its own resources', async () => {
    await waitFor(() => applyRun(PLATFORM, stack.fake.head(PLATFORM)!), 'the platform repo converged');
    await waitFor(() => applyRun(DB, stack.fake.head(DB)!), 'the database repo converged');
    expect(stack.fake.repo('api').description).toBe('platform');
    expect(stack.fake.repo('db').description).toBe('database');
    expect(app.lines.find((l) => l.msg === 'catch-up convergence enqueued')).toMatchObject({ enqueued: 2 });
  }, 120_000);

  it('applies a resource both declare in neither, and says why on each commit', async () => {
    const before = stack.fake.head(DB)!;
    const after = stack.fake.commit(DB, { 'repos/api.yml': repoFile('api', 'database') });
    expect((await deliver(stack.webhookUrl(app.ports.web), SECRET, 'push', pushEvent(stack.fake, DB, before, after))).status).toBe(200);
    const run = await waitFor(() => applyRun(DB, after), 'the database repo’s apply check run');
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toMatch(/^Nothing applied/);
    expect(run.output.summary).toContain(`github.repository/api is also declared by acme/${PLATFORM} (repos/api.yml:1)`);

    const platformBefore = stack.fake.head(PLATFORM)!;
    const platformAfter = stack.fake.commit(PLATFORM, { 'repos/api.yml': repoFile('api', 'platform-v2') });
    expect((await deliver(stack.webhookUrl(app.ports.web), SECRET, 'push', pushEvent(stack.fake, PLATFORM, platformBefore, platformAfter))).status).toBe(200);
    const platformRun = await waitFor(() => applyRun(PLATFORM, platformAfter), 'the platform repo’s apply check run');
    expect(platformRun.conclusion).toBe('failure');
    expect(platformRun.output.summary).toContain(`github.repository/api is also declared by acme/${DB} (repos/api.yml:1)`);
    expect(stack.fake.repo('api').description).toBe('platform');
    expect(stack.fake.assertClean()).toBeUndefined();
  }, 120_000);
});
