import pLimit from 'p-limit';
import { RateLimitedError, toConvergeError } from './errors.js';
import type { Change, ChangeResult, Plan } from './plan-types.js';
import type { ProviderSession, ResourceKind } from './provider.js';
import { providerOf, resourceKey } from './resource.js';
import { pushTo } from './collections.js';

export interface ApplyOptions {
  session(provider: string, target: string): ProviderSession;
  kindOrder(kind: string): number;
  /** Changes applied at once per provider target. Default 4. */
  concurrency?: number;
  /** Attempts per change for retryable errors. Default 3. */
  attempts?: number;
  /** First backoff delay; doubles each attempt. Default 500 ms. */
  backoffMs?: number;
  onResult?(result: ChangeResult): void;
  sleep?(ms: number): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function applyOne(change: Change, session: ProviderSession, options: ApplyOptions): Promise<ChangeResult> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      await session.apply(change);
      return { change, status: 'applied', attempts: attempt };
    } catch (thrown) {
      const error = toConvergeError(thrown, resourceKey(change));
      if (!error.retryable || attempt >= attempts) {
        return { change, status: 'failed', message: error.message, attempts: attempt };
      }
      const backoff = (options.backoffMs ?? 500) * 2 ** (attempt - 1);
      await sleep(error instanceof RateLimitedError && error.retryAfterMs !== undefined ? error.retryAfterMs : backoff);
    }
  }
}

/**
 * Execute exactly the plan: one result per change that is not a no-op. Creates, renames and
 * updates run in kind order, deletions afterwards in reverse kind order; within a step,
 * changes run with bounded concurrency per target. A failure never stops the others.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ChangeResult[]> {
  const results: ChangeResult[] = [];
  const record = (result: ChangeResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  const limits = new Map<string, ReturnType<typeof pLimit>>();
  const limitFor = (change: Change) => {
    const id = `${providerOf(change.kind)}\u0000${change.target}`;
    let limit = limits.get(id);
    if (!limit) limits.set(id, (limit = pLimit(options.concurrency ?? 4)));
    return limit;
  };

  const actionable: Change[] = [];
  for (const change of plan.changes) {
    if (change.action === 'noop') continue;
    if (change.blocked) record({ change, status: 'skipped', message: change.blocked, attempts: 0 });
    else actionable.push(change);
  }

  const steps = new Map<number, Change[]>();
  for (const change of actionable) {
    const order = options.kindOrder(change.kind);
    const step = change.action === 'delete' ? 1_000_000 - order : order;
    pushTo(steps, step, change);
  }
  for (const step of [...steps.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      steps.get(step)!.map((change) =>
        limitFor(change)(async () => record(await applyOne(change, options.session(providerOf(change.kind), change.target), options))),
      ),
    );
  }
  return results;
}

/** Kind order from the providers' declared kind lists. */
export function kindOrderFrom(kinds: Iterable<ResourceKind>): (kind: string) => number {
  const order = new Map<string, number>();
  let i = 0;
  for (const kind of kinds) order.set(kind.kind, i++);
  return (kind) => order.get(kind) ?? i;
}
