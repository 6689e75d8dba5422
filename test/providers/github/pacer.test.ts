import { describe, expect, it } from 'vitest';
import { graphqlWrite, InProcessWritePacer, restWrite, writeBudget, type WriteLimits, type WriteTarget } from '../../../src/providers/github/pacer.js';

/** A pacer on a fake clock: sleeping advances the clock, and every write's start is recorded. */
function clocked(limits?: Partial<WriteLimits>) {
  let now = 1_000_000;
  const pacer = new InProcessWritePacer({ now: () => now, sleep: async (ms) => void (now += ms), ...(limits ? { limits } : {}) });
  const starts: number[] = [];
  return {
    pacer,
    starts,
    get now() {
      return now;
    },
    async write(target: WriteTarget, spacingMs = 0) {
      await pacer.acquire('{converge}:pace:acme', spacingMs, target);
      starts.push(now);
    },
  };
}

/** The most starts inside any half-open window of `windowMs`. */
function busiestWindow(starts: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[j]! <= starts[i]! - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const LABEL_PATCH = restWrite('PATCH /repos/{owner}/{repo}/labels/{name}');
const REPO_PATCH = restWrite('PATCH /repos/{owner}/{repo}');
const LABEL_CREATE = restWrite('POST /repos/{owner}/{repo}/labels');

describe('what a write counts against', () => {
  it('treats POST as content-creating and the rest as changes', () => {
    expect(LABEL_CREATE).toEqual({ endpoint: 'POST /repos/{owner}/{repo}/labels', createsContent: true });
    expect(LABEL_PATCH.createsContent).toBe(false);
    expect(restWrite('DELETE /repos/{owner}/{repo}/labels/{name}').createsContent).toBe(false);
  });

  it('reads the mutation field to tell creations from changes', () => {
    expect(graphqlWrite('mutation($input: CreateBranchProtectionRuleInput!) { createBranchProtectionRule(input: $input) { clientMutationId } }')).toEqual({ endpoint: 'POST /graphql', createsContent: true });
    expect(graphqlWrite('mutation Update($input: X!) { r: updateBranchProtectionRule(input: $input) { clientMutationId } }').createsContent).toBe(false);
  });

  it("lets a tenth of GitHub's minute budgets go at once and drips the rest: 180 REST writes, 400 GraphQL mutations, 80 creations", () => {
    // 18 at once, then one every 371 ms: 179 in any minute, a hundredth of headroom under 180 for late arrivals.
    expect(writeBudget(LABEL_PATCH)).toMatchObject({ endpointIntervalMs: 371, endpointBurstMs: 17 * 371 });
    expect(writeBudget(graphqlWrite('mutation { updateRepository(input: {}) { clientMutationId } }'))).toMatchObject({ endpointIntervalMs: 169, endpointBurstMs: 39 * 169 });
    expect(writeBudget(LABEL_CREATE)).toMatchObject({ contentIntervalMs: 822, contentBurstMs: 7 * 822, contentWindowLimit: 500, contentWindowMs: 3_600_000 });
  });
});

describe('InProcessWritePacer budgets (fake clock)', () => {
  it('keeps one endpoint within 900 points a minute, and close to it', async () => {
    const clock = clocked();
    for (let i = 0; i < 400; i++) await clock.write(LABEL_PATCH);
    expect(busiestWindow(clock.starts, 60_000)).toBe(179);
    // A small merge never waits: the first 18 go at once, then one every 371 ms (not one a second).
    expect(clock.starts.slice(0, 18).every((t) => t === clock.starts[0])).toBe(true);
    expect(clock.starts[18]! - clock.starts[0]!).toBe(371);
    expect(clock.starts.at(-1)! - clock.starts[0]!).toBe((400 - 18) * 371);
  });

  it('lets writes to different endpoints overlap', async () => {
    // 10 writes a minute: a burst of one, so every second write to an endpoint waits 6 s.
    const clock = clocked({ restPointsPerMinute: 50 });
    await clock.write(LABEL_PATCH);
    await clock.write(REPO_PATCH);
    await clock.write(LABEL_PATCH);
    expect(clock.starts.map((t) => t - clock.starts[0]!)).toEqual([0, 0, 6_000]);
    // A slot booked ahead on one endpoint holds back no other (a frozen clock: nothing sleeps for real).
    const repos: number[] = [];
    const pacer = new InProcessWritePacer({ now: () => 0, sleep: async (ms) => void repos.push(ms), limits: { restPointsPerMinute: 50 } });
    await pacer.acquire('k', 0, LABEL_PATCH);
    await pacer.acquire('k', 0, LABEL_PATCH);
    await pacer.acquire('k', 0, REPO_PATCH);
    expect(repos).toEqual([6_000]);
  });

  it('holds content-creating writes to 80 a minute across endpoints', async () => {
    const clock = clocked();
    const issue = restWrite('POST /repos/{owner}/{repo}/issues');
    for (let i = 0; i < 100; i++) await clock.write(i % 2 === 0 ? LABEL_CREATE : issue);
    expect(busiestWindow(clock.starts, 60_000)).toBe(80);
    // Changes are not creations: a PATCH right after is not held back by the content budget.
    const before = clock.now;
    await clock.write(REPO_PATCH);
    expect(clock.now).toBe(before);
  });

  it('holds content-creating writes to 500 an hour, sliding', async () => {
    const clock = clocked();
    for (let i = 0; i < 600; i++) await clock.write(LABEL_CREATE);
    expect(busiestWindow(clock.starts, 3_600_000)).toBe(500);
    expect(busiestWindow(clock.starts, 60_000)).toBe(80);
    // The 501st waits until the first leaves the hour.
    expect(clock.starts[500]! - clock.starts[0]!).toBe(3_600_000);
  });

  it('applies a configured spacing on top of the budgets', async () => {
    const clock = clocked();
    await clock.write(LABEL_PATCH, 1_000);
    await clock.write(REPO_PATCH, 1_000);
    expect(clock.starts[1]! - clock.starts[0]!).toBe(1_000);
  });

  it('keeps the old contract for callers that name no endpoint: spacing only', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new InProcessWritePacer({ now: () => now, sleep: async (ms) => void waits.push(ms) });
    await pacer.acquire('k', 0);
    await pacer.acquire('k', 0);
    await pacer.acquire('k', 500);
    await pacer.acquire('k', 500);
    expect(waits).toEqual([500]);
    now = 10_000;
    await pacer.pause('k', 2_000);
    await pacer.acquire('k', 0, LABEL_PATCH);
    expect(waits).toEqual([500, 2_000]);
  });

  it('takes lower limits, e.g. for a GitHub Enterprise Server configured below github.com', async () => {
    // 60 writes a minute: 6 at once, then one every 1,091 ms.
    const clock = clocked({ restPointsPerMinute: 300 });
    for (let i = 0; i < 7; i++) await clock.write(LABEL_PATCH);
    expect(clock.starts.map((t) => t - clock.starts[0]!)).toEqual([0, 0, 0, 0, 0, 0, 1_091]);
  });
});
