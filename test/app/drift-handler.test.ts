import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriftMarks } from '../../src/queue/drift-marks.js';
import { OrgActivity } from '../../src/queue/org-activity.js';
import { startAppServer, type AppServer } from '../support/app-server.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { atRepo, example } from '../support/webhooks.js';

const CONFIG_REPO = 'org-config';
// Drift handlers call GitHub for nothing: any request fails the test.
installFakeGitHub();

describe('drift event handlers', () => {
  let server: AppServer;
  let queues: AppServer['queues'];
  let outcomes: AppServer['outcomes'];

  async function start(configRepo = CONFIG_REPO) {
    server = await startAppServer({ env: { CONVERGE_CONFIG_REPO: configRepo, CONVERGE_DRIFT_DEBOUNCE_MS: '60000' }, app: { appSlug: async () => 'converge', now: () => new Date('2026-12-03T12:00:00Z') } });
    ({ queues, outcomes } = server);
  }

  beforeEach(() => start());

  afterEach(() => server.close());

  const deliver = (name: string, payload: object) => server.deliver(name, payload);

  const driftJobs = async () => (await queues.converge.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.name === 'drift');
  const marks = () => new DriftMarks(server.redis, server.prefix).drain({ installationId: 1, owner: 'acme', repo: CONFIG_REPO });

  const edited = (repo: string, sender = 'alice', type = 'User') =>
    example('repository', 'edited', (p) => {
      atRepo(p, 'acme', repo);
      p.organization.login = 'acme';
      p.repository.updated_at = '2026-12-03T11:59:30Z';
      p.sender.login = sender;
      p.sender.type = type;
    });

  it('enqueues one delayed drift job for the config repo, marking the repository with who changed it and when', async () => {
    expect((await deliver('repository', edited('api'))).status).toBe(200);
    const [job, ...more] = await driftJobs();
    expect(more).toEqual([]);
    expect(job!.data).toEqual({ installationId: 1, owner: 'acme', repo: CONFIG_REPO });
    expect(job!.opts.delay).toBe(60_000);
    expect(outcomes).toEqual([{ outcome: 'enqueued', reason: 'drift check of github.repository/api' }]);
    expect(Object.fromEntries(await marks())).toEqual({
      'github.repository/api': { sender: 'alice', at: '2026-12-03T11:59:30.000Z', event: 'repository.edited', url: 'https://github.com/Octocoders/Hello-World' },
    });
  });

  it('collapses a burst on several resources into one job carrying every key', async () => {
    for (let i = 0; i < 5; i++) await deliver('repository', edited('api'));
    await deliver('label', example('label', 'edited', (p) => (atRepo(p, 'acme', 'api'), (p.label.name = 'bug'))));
    await deliver('repository', edited('web', 'bob'));
    expect(await driftJobs()).toHaveLength(1);
    const marked = await marks();
    expect([...marked.keys()].sort()).toEqual(['github.label/api/bug', 'github.repository/api', 'github.repository/web']);
    expect(marked.get('github.repository/web')!.sender).toBe('bob');
  });

  it("ignores the echo of the app's own writes, but not another app's", async () => {
    await deliver('repository', edited('api', 'converge[bot]', 'Bot'));
    expect(outcomes).toEqual([{ outcome: 'ignored', reason: "the app's own change" }]);
    expect(await driftJobs()).toEqual([]);
    await deliver('repository', edited('api', 'renovate[bot]', 'Bot'));
    expect(await driftJobs()).toHaveLength(1);
  });

  it("records every event's repositories for the next full run, the echo of its own writes included", async () => {
    const activity = new OrgActivity(server.redis, server.prefix);
    await deliver('repository', edited('api', 'converge[bot]', 'Bot'));
    await deliver('label', example('label', 'edited', (p) => (atRepo(p, 'acme', 'Web'), (p.label.name = 'bug'))));
    expect([...(await activity.changedSince('acme', 0)).keys()].sort()).toEqual(['api', 'web']);
    expect(await activity.lastEventAt('acme')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('with config repos named by pattern, checks drift for those a worker listed, and leaves it to the full run before', async () => {
    await server.close();
    await start('converge-*');
    await deliver('repository', edited('api'));
    expect(outcomes).toEqual([{ outcome: 'ignored', reason: 'config repos named by pattern and not listed yet: drift is left to the full run' }]);
    expect(await driftJobs()).toEqual([]);
    await queues.configRepos.remember('acme', ['converge-platform', 'converge-db']);
    await deliver('repository', edited('api'));
    expect((await driftJobs()).map((j) => j.data.repo).sort()).toEqual(['converge-db', 'converge-platform']);
  });

  it('leaves events on the config repo itself to the app: an edit is ignored, a creation still onboards', async () => {
    await deliver('repository', edited(CONFIG_REPO));
    expect(outcomes.at(-1)).toEqual({ outcome: 'ignored', reason: 'repository.edited is not handled' });
    await deliver('repository', example('repository', 'created', (p) => atRepo(p, 'acme', CONFIG_REPO)));
    expect(outcomes.at(-1)).toEqual({ outcome: 'enqueued', reason: 'onboarding check' });
    expect(await driftJobs()).toEqual([]);
    expect((await queues.converge.getJobs(['waiting'])).map((j) => j.name)).toEqual(['onboard']);
  });

  it('enqueues a drift check for a repository created by hand in the org', async () => {
    await deliver('repository', example('repository', 'created', (p) => atRepo(p, 'acme', 'new-service')));
    expect(outcomes.at(-1)).toEqual({ outcome: 'enqueued', reason: 'drift check of github.repository/new-service' });
  });

  // The web layer answers 400 to an InvalidPayloadError (test/app/deliveries.test.ts); bare Probot answers 500.
  it('ignores events that name no managed resource, and rejects one lacking what it maps', async () => {
    await deliver('organization', example('organization', 'member_invited'));
    expect(outcomes.at(-1)!.outcome).toBe('ignored');
    const broken = example('label', 'created');
    delete broken.label;
    expect((await deliver('label', broken)).status).toBeGreaterThanOrEqual(400);
    expect(await driftJobs()).toEqual([]);
  });
});
