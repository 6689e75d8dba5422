import { ConfigurationError, readErrorOf, toConvergeError, type ConvergeError } from '../core/errors.js';
import type { ProviderSession, ReadAllResult, ReadResult } from '../core/provider.js';
import type { Registry } from '../core/registry.js';
import type { ResourceRef } from '../core/resource.js';
import { providerOf } from '../core/resource.js';
import type { Targets } from '../config/load.js';

/**
 * Stands in for a target that could not be connected: every read reports the connection
 * error for its resources and every write fails with it, so one unreachable target never
 * hides the results of the others.
 */
class UnavailableSession implements ProviderSession {
  constructor(
    private readonly target: string,
    private readonly error: ConvergeError,
  ) {}
  async read(refs: ResourceRef[]): Promise<ReadResult[]> {
    return refs.map((ref) => ({ ref, error: readErrorOf(this.error) }));
  }
  async readAll(kinds: string[]): Promise<ReadAllResult> {
    return { resources: [], failures: kinds.map((kind) => ({ kind, target: this.target, name: '*', ...readErrorOf(this.error) })) };
  }
  async apply(): Promise<void> {
    throw this.error;
  }
  async close(): Promise<void> {}
}

/**
 * Provider sessions for one job: connected for the targets a job touches (a plan touching
 * only GitHub never opens a database connection) and closed together at the end.
 */
export class Sessions<Deps> {
  private readonly ready = new Map<string, ProviderSession>();

  constructor(
    private readonly registry: Registry<Deps>,
    private readonly targets: Targets,
    private readonly deps: Deps,
  ) {}

  /** Connect every target the given resources live in. Never throws: see UnavailableSession. */
  async connect(refs: Iterable<{ kind: string; target: string }>): Promise<void> {
    const wanted = new Map<string, [string, string]>();
    for (const ref of refs) {
      const provider = providerOf(ref.kind);
      const id = `${provider}\u0000${ref.target}`;
      if (!this.ready.has(id)) wanted.set(id, [provider, ref.target]);
    }
    await Promise.all(
      [...wanted].map(async ([id, [provider, target]]) => {
        try {
          this.ready.set(id, await this.create(provider, target));
        } catch (error) {
          this.ready.set(id, new UnavailableSession(target, toConvergeError(error, `${provider}@${target}`)));
        }
      }),
    );
  }

  /** The session of a target connected before with `connect`. */
  session(provider: string, target: string): ProviderSession {
    const session = this.ready.get(`${provider}\u0000${target}`);
    if (!session) throw new ConfigurationError(`provider ${provider} target ${target} was not connected for this job`);
    return session;
  }

  private async create(name: string, target: string): Promise<ProviderSession> {
    const provider = this.registry.provider(name);
    const settings = this.targets.get(name)?.get(target);
    if (!provider || settings === undefined) {
      throw new ConfigurationError(`provider ${name} target ${target} is not configured in converge.yml`);
    }
    return provider.connect({ name: target, settings }, this.deps);
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.ready.values()];
    this.ready.clear();
    await Promise.allSettled(sessions.map((s) => s.close()));
  }
}
