/**
 * Write pacing at GitHub's documented secondary rate limits, not below them
 * (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, "About secondary rate
 * limits"): no more than 80 content-creating requests a minute and 500 an hour, and no more
 * than 900 points a minute per REST endpoint (2,000 for the GraphQL endpoint), where a write
 * costs 5 points. Budgets are per key (one org, i.e. one installation), so writes to different
 * endpoints overlap while each endpoint stays within its own budget. While GitHub has asked us
 * to wait (`retry-after`, `x-ratelimit-reset`), no write for the key starts at all.
 *
 * Reads are never paced here: GETs and GraphQL queries go at the caller's read concurrency.
 * Implementations share the state at their own scope: one process, or every process through
 * Redis (redis-pacer.ts runs the same algorithm as `reserveSlot`, atomically, in Lua).
 */

/** What a write is, which decides the budgets it counts against. */
export interface WriteTarget {
  /** The route template, e.g. `PATCH /repos/{owner}/{repo}/labels/{name}`; GraphQL mutations are `POST /graphql`. */
  endpoint: string;
  /** Creates content (a label, an issue, a comment, a repository): also counts against the content budgets. */
  createsContent: boolean;
}

export interface WritePacer {
  /**
   * Resolves when `key` may send its next write, reserving that slot for the caller.
   * `spacingMs` is an extra minimum gap between any two writes for the key (0: none).
   * Without `write`, only that spacing and pauses apply, as before budgets existed.
   */
  acquire(key: string, spacingMs: number, write?: WriteTarget): Promise<void>;
  /** GitHub asked us to stop: no write for `key` starts within the next `waitMs`. */
  pause(key: string, waitMs: number): Promise<void>;
}

/** GitHub's secondary limits for writes; every field can be lowered (or raised, for GHES). */
export interface WriteLimits {
  contentPerMinute: number;
  contentPerHour: number;
  /** Points a minute one REST endpoint allows. */
  restPointsPerMinute: number;
  /** Points a minute the GraphQL endpoint allows. */
  graphqlPointsPerMinute: number;
  /** What one write (REST POST/PATCH/PUT/DELETE, GraphQL mutation) costs. */
  writePoints: number;
}

export const GITHUB_WRITE_LIMITS: Readonly<WriteLimits> = {
  contentPerMinute: 80,
  contentPerHour: 500,
  restPointsPerMinute: 900,
  graphqlPointsPerMinute: 2_000,
  writePoints: 5,
};

export const GRAPHQL_ENDPOINT = 'POST /graphql';
const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * The budgets one write counts against (all integer ms). Each minute budget is a leaky bucket
 * (GCRA): a tenth of it may go at once, so a merge of a few changes never waits, and the rest
 * drips at an even interval, so no 60 s window ever holds more than the minute's budget.
 */
export interface WriteBudget {
  /** Steady spacing per endpoint once its burst is spent (371 ms for REST, 169 ms for GraphQL). */
  endpointIntervalMs: number;
  /** How far ahead of the steady schedule an endpoint's writes may run: its burst. */
  endpointBurstMs: number;
  createsContent: boolean;
  /** Steady spacing of content-creating writes once their burst is spent (822 ms at 80 a minute). */
  contentIntervalMs: number;
  contentBurstMs: number;
  /** At most this many content-creating writes in any `contentWindowMs`. */
  contentWindowLimit: number;
  contentWindowMs: number;
}

/**
 * A minute budget of `perMinute` writes as a leaky bucket: `burst` (a tenth, at least one) at
 * once, then one per interval. Burst plus the writes that drip in over the rest of the minute
 * never exceed `perMinute`, less a hundredth of headroom.
 */
function bucket(perMinute: number): { intervalMs: number; burstMs: number } {
  const n = Math.max(1, Math.floor(perMinute));
  const burst = Math.max(1, Math.floor(n / 10));
  // A hundredth of the budget is left as headroom: a write that reaches GitHub a little late
  // (latency varies) never makes a minute hold more than the limit as GitHub counts it.
  const headroom = Math.floor(n / 100);
  const intervalMs = Math.ceil(MINUTE / (n - burst + 1 - headroom));
  return { intervalMs, burstMs: (burst - 1) * intervalMs };
}

/** The hourly content budget is a sliding window, so 500 creations an hour can still go at 80 a minute. */
export function writeBudget(write: WriteTarget, limits: WriteLimits = GITHUB_WRITE_LIMITS): WriteBudget {
  const points = write.endpoint === GRAPHQL_ENDPOINT ? limits.graphqlPointsPerMinute : limits.restPointsPerMinute;
  const endpoint = bucket(points / limits.writePoints);
  const content = bucket(limits.contentPerMinute);
  return {
    endpointIntervalMs: endpoint.intervalMs,
    endpointBurstMs: endpoint.burstMs,
    createsContent: write.createsContent,
    contentIntervalMs: content.intervalMs,
    contentBurstMs: content.burstMs,
    contentWindowLimit: limits.contentPerHour,
    contentWindowMs: HOUR,
  };
}

/** A REST write: POST creates content (labels, issues, comments, repositories); PATCH, PUT and DELETE change or remove it. */
export function restWrite(route: string): WriteTarget {
  const method = route.trim().split(/\s+/, 1)[0]!.toUpperCase();
  return { endpoint: route.trim(), createsContent: method === 'POST' };
}

/** A GraphQL mutation: `create…` and `add…` mutations create content. */
export function graphqlWrite(query: string): WriteTarget {
  const field = /\bmutation\b[^{]*\{\s*(?:\w+\s*:\s*)?(\w+)/.exec(query)?.[1] ?? '';
  return { endpoint: GRAPHQL_ENDPOINT, createsContent: /^(create|add)[A-Z]/.test(field) };
}

/** The key every pacer uses for one org; hash-tagged so it lives on one Redis Cluster slot. */
export function paceKey(org: string, prefix = '{converge}'): string {
  return `${prefix}:pace:${org.toLowerCase()}`;
}

/** Sub-keys of one pace key (same hash tag, so one Lua script may touch them all). */
export const paceKeys = (key: string, endpoint: string) => ({
  next: key,
  endpoint: `${key}:endpoint:${endpoint}`,
  content: `${key}:content`,
  contentWindow: `${key}:content-window`,
});

/** One key's pacing state, as the in-process pacer holds it. */
export interface PaceState {
  /** Earliest start of the next write of any kind: a pause, or the configured spacing. */
  nextAt: number;
  endpointNextAt: Map<string, number>;
  contentNextAt: number;
  /** Start times of content-creating writes still inside the window, ascending. */
  contentStarts: number[];
}

export const emptyPaceState = (): PaceState => ({ nextAt: 0, endpointNextAt: new Map(), contentNextAt: 0, contentStarts: [] });

/**
 * Takes the earliest slot at or after `now` that every applicable budget allows, and books it.
 * Slots only move forward, so the caller just sleeps until its slot; nobody polls.
 */
export function reserveSlot(state: PaceState, now: number, spacingMs: number, write?: WriteTarget, budget?: WriteBudget): number {
  let slot = Math.max(now, state.nextAt);
  if (write && budget) {
    // The stored times are each bucket's steady schedule; a write may run `burst` ahead of it.
    const endpointAt = state.endpointNextAt.get(write.endpoint) ?? 0;
    slot = Math.max(slot, endpointAt - budget.endpointBurstMs);
    if (budget.createsContent) {
      slot = Math.max(slot, state.contentNextAt - budget.contentBurstMs);
      state.contentStarts = state.contentStarts.filter((t) => t > now - budget.contentWindowMs);
      const n = state.contentStarts.length;
      // The window holds `limit` starts: the next may go once the oldest of the last `limit` leaves it.
      if (n >= budget.contentWindowLimit) slot = Math.max(slot, state.contentStarts[n - budget.contentWindowLimit]! + budget.contentWindowMs);
    }
    state.endpointNextAt.set(write.endpoint, Math.max(endpointAt, slot) + budget.endpointIntervalMs);
    if (budget.createsContent) {
      state.contentNextAt = Math.max(state.contentNextAt, slot) + budget.contentIntervalMs;
      state.contentStarts.push(slot);
    }
  }
  // Only a configured spacing holds back other endpoints; budgets never do.
  if (spacingMs > 0) state.nextAt = Math.max(state.nextAt, slot + spacingMs);
  return slot;
}

export interface InProcessWritePacerOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  limits?: Partial<WriteLimits>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The budgets kept in this process's memory; enough when one process writes. */
export class InProcessWritePacer implements WritePacer {
  private readonly states = new Map<string, PaceState>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly limits: WriteLimits;

  constructor(options: InProcessWritePacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.limits = { ...GITHUB_WRITE_LIMITS, ...options.limits };
  }

  async acquire(key: string, spacingMs: number, write?: WriteTarget): Promise<void> {
    const now = this.now();
    const slot = reserveSlot(this.state(key), now, spacingMs, write, write && writeBudget(write, this.limits));
    if (slot > now) await this.sleep(slot - now);
  }

  async pause(key: string, waitMs: number): Promise<void> {
    const state = this.state(key);
    state.nextAt = Math.max(state.nextAt, this.now() + waitMs);
  }

  private state(key: string): PaceState {
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = emptyPaceState()));
    return state;
  }
}
