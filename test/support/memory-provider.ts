import { z } from 'zod';
import { RejectedError, RetryableError } from '../../src/core/errors.js';
import type { Provider, ProviderSession } from '../../src/core/provider.js';
import type { ActualResource, ResourceRef } from '../../src/core/resource.js';
import { resourceKey } from '../../src/core/resource.js';

export const Widget = z.strictObject({
  size: z.number().int().min(0).optional(),
  color: z.string().optional(),
  tags: z.array(z.string()).optional(),
  nested: z.strictObject({ a: z.string().optional(), b: z.boolean().optional() }).optional(),
});
export type Widget = z.infer<typeof Widget>;

/** A provider over a Map, for engine and queue tests: counts calls, injects failures. */
export class MemoryTarget {
  readonly state = new Map<string, ActualResource>();
  readonly calls = { read: 0, readAll: 0, apply: 0 };
  readonly applied: string[] = [];
  /** resource key → errors to throw on apply, consumed in order. */
  readonly failures = new Map<string, Error[]>();
  /** Resource keys whose reads fail (bulk and targeted). */
  readonly readFailures = new Set<string>();
  /** While set, every apply waits on it (to catch a worker mid-apply). */
  hold: Promise<void> | undefined;

  session(): ProviderSession {
    return {
      read: async (refs: ResourceRef[]) => {
        this.calls.read++;
        return refs.map((ref) => {
          if (this.readFailures.has(resourceKey(ref))) return { ref, error: { code: 'retryable' as const, retryable: true, message: 'read timed out' } };
          const actual = this.state.get(resourceKey(ref));
          return actual ? { ref, actual: structuredClone(actual) } : { ref };
        });
      },
      readAll: async (kinds: string[]) => {
        this.calls.readAll++;
        const all = [...this.state.values()].filter((r) => kinds.includes(r.kind));
        return {
          resources: all.filter((r) => !this.readFailures.has(resourceKey(r))).map((r) => structuredClone(r)),
          failures: all.filter((r) => this.readFailures.has(resourceKey(r))).map((r) => ({ kind: r.kind, target: r.target, name: r.name, code: 'retryable' as const, retryable: true, message: 'read timed out' })),
        };
      },
      apply: async (change) => {
        this.calls.apply++;
        if (this.hold) await this.hold;
        const key = resourceKey(change);
        const failure = this.failures.get(key)?.shift();
        if (failure) throw failure;
        this.applied.push(`${change.action} ${key}`);
        if (change.action === 'delete') {
          this.state.delete(key);
          return;
        }
        if (change.action === 'rename' && change.fromName) this.state.delete(resourceKey({ ...change, name: change.fromName }));
        const before = this.state.get(key)?.spec ?? (change.actual as Record<string, unknown> | undefined) ?? {};
        this.state.set(key, { kind: change.kind, target: change.target, name: change.name, spec: { ...before, ...change.desired } });
      },
      close: async () => {},
    };
  }
}

export function memoryProvider(target: MemoryTarget, name = 'mem'): Provider<Record<string, never>, unknown> {
  return {
    name,
    kinds: [
      { kind: `${name}.widget`, description: 'A widget', spec: Widget, renamable: true },
      { kind: `${name}.gadget`, description: 'A gadget', spec: Widget, renamable: false },
    ],
    targetSettings: z.strictObject({}),
    connect: async () => target.session(),
  };
}

export { RejectedError, RetryableError };
