/**
 * `npm start` against the fake GitHub, driven by signed `repository.edited` webhooks: a hand
 * change to a repository's description reaches the drift issue within seconds, naming who made
 * it, with no full run; in revert mode it is reverted, and the echo of the app's own revert is
 * ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';
import { deliver } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';
import { atRepo, example } from '../support/webhooks.js';

const REPORT = 'providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n';
const REVERT = 'providers:\n  github: {}\ndrift:\n  mode: revert\nscope:\n  github.repository: { exclude: [converge-config] }\n';
const apiFile = 'kind: github.repository\nname: api\nspec:\n  description: as declared\n';

describe('drift from events, through npm start', () => {
  let stack: Stack;
  let app: ShippedProcess;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    stack.env.CONVERGE_DRIFT_DEBOUNCE_MS = '200';
    stack.fake.addRepo({ name: CONFIG_REPO });
    stack.fake.addRepo({ name: 'api', description: 'as declared' });
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': REPORT, 'repos/api.yml': apiFile });
    ({ app, url } = await stack.startApp());
    // The start-up catch-up converges, then asks for a full run: both done before any hand edit.
    await app.waitForLog((l) => l.msg === 'full run finished', 'the catch-up full run');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** GitHub's `repository.edited` for the fake's `api`, sent by `login`. */
  const edited = (login: string, type = 'User') =>
    example('repository', 'edited', (p) => {
      const api = stack.fake.repo('api');
      atRepo(p, api.owner, api.name);
      p.repository.id = api.id;
      p.organization.login = api.owner;
      p.repository.updated_at = new Date().toISOString();
      p.sender.login = login;
      p.sender.type = type;
    });
  const openDriftIssues = () => stack.fake.issues(CONFIG_REPO).filter((i) => i.state === 'open');

  it('reports a hand edit in the drift issue, naming the sender, with no full run', async () => {
    const fullRuns = () => stack.fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run').length;
    const before = fullRuns();
    stack.fake.repo('api').description = 'edited by hand';
    expect((await deliver(url, SECRET, 'repository', edited('alice'))).status).toBe(200);
    const issue = await waitFor(() => openDriftIssues().find((i) => i.body?.includes('Changed by @alice')), 'the drift issue naming alice', 20_000);
    expect(issue.body).toContain('edited by hand');
    expect(issue.title).toBe('Drift: 1 resource differs from the configuration');
    expect(fullRuns()).toBe(before);
    expect(stack.fake.repo('api').description).toBe('edited by hand');
  });

  it("reverts in revert mode, closes the issue naming whose change it was, and ignores the app's own edit", async () => {
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': REVERT });
    stack.fake.repo('api').description = 'edited again';
    expect((await deliver(url, SECRET, 'repository', edited('bob'))).status).toBe(200);
    await waitFor(() => stack.fake.repo('api').description === 'as declared', 'the revert', 20_000);
    const [issue] = stack.fake.issues(CONFIG_REPO);
    await waitFor(() => stack.fake.issues(CONFIG_REPO).every((i) => i.state === 'closed'), 'the drift issue closed', 20_000);
    expect(stack.fake.comments(CONFIG_REPO, issue!.number).at(-1)!.body).toContain('<code>github.repository/api</code> (changed by @bob)');

    // GitHub reports the revert too, sent by the app's bot: it costs nothing beyond the handler.
    const echo = await deliver(url, SECRET, 'repository', edited(`${stack.fake.options.appSlug ?? 'converge'}[bot]`, 'Bot'));
    expect(echo.status).toBe(200);
    const line = await app.waitForLog((l) => l.delivery === echo.id, 'the echo delivery');
    expect(line).toMatchObject({ outcome: 'ignored', reason: "the app's own change" });
  });
});
