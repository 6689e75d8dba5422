/**
 * `npm start` against the fake GitHub, driven by signed `/converge` comment webhooks: an admin's
 * `/converge adopt <key>` on the drift issue opens a PR whose diff is just the drifted field's
 * line, comments kept; merging it and running the full run again closes the drift issue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedLines } from '../../src/adopt/lines.js';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';
import { commentEvent, deliver } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';

const SETTINGS = 'providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n';
const API = '# The public API.\nkind: github.repository\nname: api\nspec:\n  description: as declared   # shown on the org page\n  features:\n    wiki: true\n';

describe('adopting drift, through npm start', () => {
  let stack: Stack;
  let app: ShippedProcess;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    stack.fake.addRepo({ name: CONFIG_REPO });
    stack.fake.addRepo({ name: 'api', description: 'as declared', has_wiki: true });
    stack.fake.setMember('owner', 'admin');
    stack.fake.commit(CONFIG_REPO, { 'converge.yml': SETTINGS, 'repos/api.yml': API });
    ({ app, url } = await stack.startApp());
    await app.waitForLog((l) => l.msg === 'full run finished', 'the catch-up full run');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** A comment the fake holds (the worker re-reads it), delivered as its signed webhook. */
  async function comment(issue: number, body: string, login = 'owner') {
    const record = stack.fake.addComment(CONFIG_REPO, issue, body, login);
    const delivery = await deliver(url, SECRET, 'issue_comment', commentEvent(stack.fake, CONFIG_REPO, { number: issue }, { id: record.id, body, login }));
    expect(delivery.status).toBe(200);
  }
  const openDriftIssues = () => stack.fake.issues(CONFIG_REPO).filter((i) => i.state === 'open' && i.labels.includes('converge-drift'));
  const adoptPull = () => stack.fake.pulls(CONFIG_REPO).find((p) => p.head.ref === 'converge/adopt');

  it('opens the adopt PR on `/converge adopt`, and merging it closes the drift issue', async () => {
    stack.fake.repo('api').description = 'edited by hand';
    const ask = stack.fake.addIssue(CONFIG_REPO, { title: 'Look for drift' });
    await comment(ask.number, '/converge full-run');
    const issue = await waitFor(() => openDriftIssues().find((i) => i.body?.includes('github.repository/api')), 'the drift issue', 30_000);

    await comment(issue.number, '/converge adopt github.repository/api');
    const pull = await waitFor(() => adoptPull(), 'the adopt PR', 30_000);
    const before = stack.fake.files(CONFIG_REPO, 'main')['repos/api.yml']!;
    const after = stack.fake.files(CONFIG_REPO, 'converge/adopt')['repos/api.yml']!;
    expect(changedLines(before, after)).toEqual(['-  description: as declared   # shown on the org page', '+  description: edited by hand   # shown on the org page']);
    expect(after).toContain('# The public API.');
    expect(pull.body).toContain('Adoption asked by @owner');
    // The org itself was not written: adopting only edits the config repo.
    expect(stack.fake.repo('api').description).toBe('edited by hand');

    stack.fake.mergePull(CONFIG_REPO, pull.number);
    await comment(ask.number, '/converge full-run');
    await waitFor(() => stack.fake.issues(CONFIG_REPO).find((i) => i.number === issue.number)?.state === 'closed', 'the drift issue closed', 30_000);
    expect(openDriftIssues()).toEqual([]);
  });
});
