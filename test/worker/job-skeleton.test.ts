import { describe, expect, it, vi } from 'vitest';
import { RetryableError } from '../../src/core/errors.js';
import type { PlanRun } from '../../src/engine/run.js';
import { withCheckRun, type CheckRunJob, type FailurePolicy } from '../../src/worker/job-skeleton.js';
import { installFakeGitHub } from '../support/fake-github/index.js';
import { CONFIG_REPO, silent, workerContext } from '../support/harness.js';

const fake = installFakeGitHub();
const ref = { owner: 'acme', repo: CONFIG_REPO };

/** A plan run whose only part the skeleton touches is its sessions. */
function sessionsSpy() {
  const spy = { closed: 0, run: undefined as unknown as PlanRun };
  spy.run = { sessions: { closeAll: async () => void spy.closed++ } } as unknown as PlanRun;
  return spy;
}

async function spec<T>(policy: FailurePolicy<T>, remembered: number[] = []): Promise<CheckRunJob<T>> {
  fake.addRepo({ name: CONFIG_REPO });
  const headSha = fake.commit(CONFIG_REPO, { 'converge.yml': 'providers: {}\n' });
  return {
    client: await workerContext(fake).auth(1),
    ref,
    processEnv: { GHE_HOST: 'ghe.example', GHE_PROTOCOL: 'https' },
    log: silent,
    checkRun: { name: 'Skeleton', headSha, externalId: 'skeleton:1', title: 'Working…' },
    remember: async (id) => void remembered.push(id),
    failure: { title: 'It stopped', summary: (message, retryable) => `Stopped: ${message} (${retryable ? 'retried' : 'final'})`, policy },
  };
}

const run = () => fake.checkRuns(CONFIG_REPO)[0]!;

describe('the job skeleton', () => {
  it('reports a job that finishes quickly in one request: a check run created finished', async () => {
    const sessions = sessionsSpy();
    const remembered: number[] = [];
    const order: string[] = [];
    fake.resetLog();
    const outcome = await withCheckRun(await spec({ mode: 'rethrow' }, remembered), async (checkRun) => {
      checkRun.closeLater(sessions.run);
      expect(fake.checkRuns(CONFIG_REPO)).toHaveLength(0);
      return {
        result: { conclusion: 'success', title: 'Done', summary: 'All done' },
        outcome: (reported) => reported.url,
        after: async (reported) => void order.push(`${reported.id}:${run().status}`),
      };
    });
    expect(run()).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'Done', summary: 'All done' } });
    expect(fake.requests.filter((r) => r.path.includes('/check-runs')).map((r) => r.method)).toEqual(['POST']);
    expect(outcome).toBe(`https://ghe.example/acme/${CONFIG_REPO}/runs/${run().id}`);
    expect(remembered).toEqual([run().id]);
    expect(order).toEqual([`${run().id}:completed`]);
    expect(sessions.closed).toBe(1);
  });

  it('opens the check run in progress when the job takes longer, then completes that one', async () => {
    const remembered: number[] = [];
    const base = await spec<number>({ mode: 'rethrow' }, remembered);
    const outcome = await withCheckRun({ ...base, checkRun: { ...base.checkRun, showProgressAfterMs: 20 } }, async () => {
      await vi.waitFor(() => expect(fake.checkRuns(CONFIG_REPO)[0]?.status).toBe('in_progress'), { timeout: 5_000 });
      return { result: { conclusion: 'success', title: 'Done', summary: 'All done' }, outcome: (reported) => reported.id };
    });
    expect(fake.checkRuns(CONFIG_REPO)).toHaveLength(1);
    expect(run()).toMatchObject({ id: outcome, status: 'completed', conclusion: 'success' });
    expect(remembered).toEqual([outcome]);
  });

  it('takes over the check run an earlier attempt opened instead of opening another', async () => {
    const remembered: number[] = [];
    const first = await spec<number>({ mode: 'rethrow' }, remembered);
    const id = await withCheckRun(first, async () => ({ result: { conclusion: 'neutral', title: 'Once', summary: '' }, outcome: (reported) => reported.id }));
    const again = await withCheckRun({ ...first, checkRun: { ...first.checkRun, resume: id } }, async () => ({
      result: { conclusion: 'success', title: 'Twice', summary: '' },
      outcome: (reported) => reported.id,
    }));
    expect(again).toBe(id);
    expect(fake.checkRuns(CONFIG_REPO)).toHaveLength(1);
    expect(run().output.title).toBe('Twice');
    expect(remembered).toEqual([id]);
  });

  it('takes over the check run a dead attempt opened but never recorded, when told it is a retry', async () => {
    const remembered: number[] = [];
    const first = await spec<number>({ mode: 'rethrow' }, remembered);
    // The dead worker's: opened in progress, its id lost with the worker.
    const { data: orphan } = await first.client.rest.checks.create({ owner: 'acme', repo: CONFIG_REPO, name: 'Skeleton', head_sha: first.checkRun.headSha, external_id: 'skeleton:1', status: 'in_progress' });
    const id = await withCheckRun({ ...first, checkRun: { ...first.checkRun, adoptOrphan: true } }, async () => ({
      result: { conclusion: 'success', title: 'Adopted', summary: '' },
      outcome: (reported) => reported.id,
    }));
    expect(id).toBe(orphan.id);
    expect(fake.checkRuns(CONFIG_REPO)).toHaveLength(1);
    expect(run()).toMatchObject({ status: 'completed', output: { title: 'Adopted' } });
  });

  it('creates the check run anew when the one to take over is gone', async () => {
    const remembered: number[] = [];
    const first = await spec<number>({ mode: 'rethrow' }, remembered);
    const again = await withCheckRun({ ...first, checkRun: { ...first.checkRun, resume: 987_654 } }, async () => ({
      result: { conclusion: 'success', title: 'Anew', summary: '' },
      outcome: (reported) => reported.id,
    }));
    expect(run()).toMatchObject({ id: again, status: 'completed', output: { title: 'Anew' } });
    expect(remembered).toEqual([again]);
  });

  it('rethrows the typed error after writing a redacted failure, and still closes the sessions', async () => {
    const sessions = sessionsSpy();
    const token = `ghp_${'x'.repeat(36)}`;
    const thrown = withCheckRun(await spec({ mode: 'rethrow' }), async (checkRun) => {
      checkRun.closeLater(sessions.run);
      throw new Error(`socket closed while sending Authorization: token ${token}`);
    });
    await expect(thrown).rejects.toMatchObject({ code: 'internal', retryable: false });
    expect(run()).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: 'It stopped' } });
    expect(run().output.summary).toContain('[REDACTED] (final)');
    expect(run().output.summary).not.toContain(token);
    expect(sessions.closed).toBe(1);
  });

  it('leaves the check run in progress for the retry when a retryable failure is not the last attempt', async () => {
    const sessions = sessionsSpy();
    const policy: FailurePolicy<string> = { mode: 'complete-when-final', finalAttempt: false, outcome: () => 'reported' };
    const thrown = withCheckRun(await spec(policy), async (checkRun) => {
      checkRun.closeLater(sessions.run);
      throw new RetryableError('GitHub answered HTTP 502');
    });
    await expect(thrown).rejects.toBeInstanceOf(RetryableError);
    expect(run().status).toBe('in_progress');
    expect(sessions.closed).toBe(1);
  });

  it('completes the job with the failure reported on the last attempt', async () => {
    const policy: FailurePolicy<string> = { mode: 'complete-when-final', finalAttempt: true, outcome: (checkRun) => `reported on ${checkRun.id}` };
    const outcome = await withCheckRun(await spec(policy), async () => {
      throw new RetryableError('GitHub answered HTTP 502');
    });
    expect(outcome).toBe(`reported on ${run().id}`);
    expect(run()).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run().output.summary).toBe('Stopped: GitHub answered HTTP 502 (retried)');
  });
});
