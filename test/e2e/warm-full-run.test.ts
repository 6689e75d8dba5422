/**
 * `npm start` against the fake GitHub over HTTP: a scheduled full run reads again only the
 * repositories that may have changed since the last read. One a signed `label.edited` webhook
 * named is read again (so the hand change stays in the drift issue), the others are not. A
 * label created by hand is reported as extraneous from its `label.created` webhook.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queues } from '../../src/queue/queues.js';
import type { RequestRecord } from '../support/fake-github/index.js';
import { atRepo, example } from '../support/webhooks.js';
import { deliver } from './support/github-events.js';
import { waitFor, type ShippedProcess } from './support/processes.js';
import { CONFIG_REPO, SECRET, startStack, type Stack } from './support/stack.js';

const REPOS = 120;
const name = (i: number) => `svc-${String(i).padStart(3, '0')}`;
const SETTINGS = 'providers:\n  github: {}\nscope:\n  github.repository: { exclude: [converge-config] }\n';
const declared = (i: number) =>
  `kind: github.repository\nname: ${name(i)}\nspec:\n  description: service ${i}\n---\nkind: github.label\nname: ${name(i)}/bug\nspec:\n  color: d73a4a\n`;

const operation = (r: RequestRecord) => (r.kind === 'graphql' ? /query (\w+)/.exec((r.body as { query: string }).query)?.[1] : `${r.method} ${r.route ?? r.path}`);

describe('warm full runs, through npm start', () => {
  let stack: Stack;
  let app: ShippedProcess;
  let url: string;
  let redis: Redis;
  let queues: Queues;

  beforeAll(async () => {
    stack = await startStack();
    stack.env.CONVERGE_DRIFT_DEBOUNCE_MS = '200';
    stack.fake.addRepo({ name: CONFIG_REPO });
    const files: Record<string, string> = { 'converge.yml': SETTINGS };
    for (let i = 0; i < REPOS; i++) {
      stack.fake.addRepo({ name: name(i), description: `service ${i}`, labels: [{ name: 'bug', color: 'd73a4a' }] });
      files[`repos/${name(i)}.yml`] = declared(i);
    }
    stack.fake.commit(CONFIG_REPO, files);
    ({ app, url } = await stack.startApp());
    await app.waitForLog((l) => l.msg === 'full run finished', 'the catch-up full run', 90_000);
    redis = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
    queues = new Queues(redis, '{converge}');
  }, 180_000);

  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await stack?.close();
  });

  /** A full run as the scheduler enqueues it, and the requests it made once it finished. */
  async function scheduledFullRun(): Promise<string[]> {
    const finished = () => app.lines.filter((l) => l.msg === 'full run finished').length;
    const before = finished();
    stack.fake.resetLog();
    await queues.enqueueFullRun({ installationId: 1, owner: 'acme', repo: CONFIG_REPO, reason: 'schedule' });
    await waitFor(() => finished() > before || undefined, 'the scheduled full run', 60_000);
    return stack.fake.requests.map(operation).filter((o): o is string => o !== undefined);
  }

  it('reads no repository again when nothing changed', async () => {
    const requests = await scheduledFullRun();
    expect(requests).toContain('ConvergeRepositoryCount');
    expect(requests.filter((r) => r.startsWith('ConvergeRepositories'))).toEqual([]);
    // The config repo is one of the org's repositories too.
    expect(app.lines.some((l) => l.msg === 'github warm read: unchanged repositories not read again' && l.reused === REPOS + 1 && l.read === 0)).toBe(true);
    // The check run says it did not read everything.
    const run = stack.fake.checkRuns(CONFIG_REPO).filter((r) => r.name === 'Converge full run').at(-1)!;
    expect(run.output.summary).toContain(`0 of ${REPOS + 1} repositories were read again; the other ${REPOS + 1}, unchanged since, stand on what an earlier read saw`);
  });

  /** GitHub's `label.<action>` for a label of the fake's repository, sent by alice. */
  const labelEvent = (action: 'created' | 'edited', repoName: string, label: { name: string; color: string }) =>
    example('label', action, (p) => {
      const repo = stack.fake.repo(repoName);
      atRepo(p, repo.owner, repo.name);
      p.repository.id = repo.id;
      if (p.organization) p.organization.login = repo.owner;
      p.label.name = label.name;
      p.label.color = label.color;
      p.sender.login = 'alice';
      p.sender.type = 'User';
    });

  it('reads again the repository a label event named, and keeps its drift in the issue', async () => {
    const label = stack.fake.labels(name(7)).find((l) => l.name === 'bug')!;
    label.color = '000000';
    expect((await deliver(url, SECRET, 'label', labelEvent('edited', name(7), label))).status).toBe(200);
    const drift = () => stack.fake.issues(CONFIG_REPO).find((i) => i.state === 'open' && i.body?.includes(`github.label/${name(7)}/bug`));
    await waitFor(() => drift(), 'the drift issue after the event', 20_000);

    const requests = await scheduledFullRun();
    expect(requests.filter((r) => r === 'ConvergeRepositoriesById')).toHaveLength(1);
    // Read again, the hand change is still drift: the full run leaves the issue open with it.
    expect(drift()?.body).toContain('000000');
  });

  it('reports a label created by hand within seconds, as extraneous, from its event', async () => {
    const label = stack.fake.addLabel(name(9), { name: 'hand-made', color: 'ffffff' });
    expect((await deliver(url, SECRET, 'label', labelEvent('created', name(9), label))).status).toBe(200);
    const issue = await waitFor(
      () => stack.fake.issues(CONFIG_REPO).find((i) => i.state === 'open' && i.body?.includes(`github.label/${name(9)}/hand-made`)),
      'the drift issue naming the new label',
      20_000,
    );
    expect(issue.body).toContain('Changed by @alice');
    // Reported, not deleted: prune is off.
    expect(stack.fake.labels(name(9)).map((l) => l.name)).toContain('hand-made');
  });
});
