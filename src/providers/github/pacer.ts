/**
 * Write pacing per GitHub's secondary-rate-limit guidance: mutations at least a second apart
 * per installation, and nothing at all while GitHub has asked us to wait. Implementations
 * share that state at their own scope: one process, or every process through Redis.
 */
export interface WritePacer {
  /** Resolves when `key` may send its next mutation, reserving that slot for the caller. */
  acquire(key: string, spacingMs: number): Promise<void>;
  /** GitHub asked us to stop: no mutation for `key` starts within the next `waitMs`. */
  pause(key: string, waitMs: number): Promise<void>;
}

/** The key every pacer uses for one org; hash-tagged so it lives on one Redis Cluster slot. */
export function paceKey(org: string, prefix = '{converge}'): string {
  return `${prefix}:pace:${org.toLowerCase()}`;
}

export interface InProcessWritePacerOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Slots handed out in order from a per-key clock; enough when one process writes. */
export class InProcessWritePacer implements WritePacer {
  private readonly nextAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: InProcessWritePacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async acquire(key: string, spacingMs: number): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextAt.get(key) ?? 0);
    this.nextAt.set(key, slot + spacingMs);
    if (slot > now) await this.sleep(slot - now);
  }

  async pause(key: string, waitMs: number): Promise<void> {
    this.nextAt.set(key, Math.max(this.nextAt.get(key) ?? 0, this.now() + waitMs));
  }
}
