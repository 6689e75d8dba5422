import { ConfigurationError, readError, RetryableError } from '../../core/errors.js';
import type { Change } from '../../core/plan-types.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { ProviderSession, ReadAllOptions, ReadAllResult, ReadResult } from '../../core/provider.js';
import { resourceKey, type DesiredResource, type ResourceRef } from '../../core/resource.js';
import { readFailure, toGitHubError } from './shared/errors.js';
import type { BulkReader, GitHubContext, GitHubKind } from './kind.js';
import { validateResources } from './validate.js';
import { pushTo } from '../../core/collections.js';
import { recordedRepository } from './shared/live-records.js';

/** The repositories whose live records a change invalidates: a rename, both names. */
function changedRepositories(change: Change): string[] {
  const names = [change.name, ...(change.fromName !== undefined ? [change.fromName] : [])];
  return [...new Set(names.map((name) => recordedRepository(change.kind, name)).filter((r): r is string => r !== undefined))];
}

/** The github provider bound to one org for one job: dispatches to kinds, maps errors. */
export class GitHubSession implements ProviderSession {
  private readonly kinds: ReadonlyMap<string, GitHubKind<any>>;

  constructor(
    readonly ctx: GitHubContext,
    kinds: readonly GitHubKind<any>[],
    private readonly bulkReaders: readonly BulkReader[],
  ) {
    this.kinds = new Map(kinds.map((k) => [k.kind, k]));
  }

  async read(refs: ResourceRef[]): Promise<ReadResult[]> {
    const byKind = new Map<string, ResourceRef[]>();
    for (const ref of refs) pushTo(byKind, ref.kind, ref);
    const results = await Promise.all(
      [...byKind].map(async ([kindName, group]): Promise<ReadResult[]> => {
        const kind = this.kinds.get(kindName);
        if (!kind) return group.map((ref) => ({ ref, error: readError('configuration', `${resourceKey(ref)}: the github provider has no kind ${kindName}.`) }));
        try {
          return await kind.read(group, this.ctx);
        } catch (error) {
          return group.map((ref) => ({ ref, error: readFailure(error, resourceKey(ref)) }));
        }
      }),
    );
    return results.flat();
  }

  bulkReadPays(kind: string, count: number): boolean {
    const paysFrom = this.kinds.get(kind)?.bulkRead.paysFrom;
    return paysFrom !== undefined && count >= paysFrom;
  }

  /** Bulk reads; a failure of the org-wide listing fails the whole read (nothing is guessed). */
  async readAll(kinds: string[], options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const wanted = new Set(kinds);
    const unknown = kinds.filter((k) => !this.kinds.has(k));
    if (unknown.length > 0) throw new ConfigurationError(`the github provider has no kind ${unknown.join(', ')}.`);
    const out: ReadAllResult = { resources: [], failures: [] };
    for (const reader of this.bulkReaders) {
      const own = new Set(reader.kinds.filter((k) => wanted.has(k)));
      if (own.size === 0) continue;
      try {
        const result = await reader.readAll(own, this.ctx);
        out.resources.push(...result.resources);
        out.failures.push(...result.failures);
        if (result.notes) (out.notes ??= []).push(...result.notes);
        for (const kind of own) {
          options.onProgress?.({ kind, target: this.ctx.target, resources: result.resources.filter((r) => r.kind === kind).length });
        }
      } catch (error) {
        throw toGitHubError(error, undefined, 'read');
      }
    }
    return out;
  }

  async apply(change: Change): Promise<void> {
    const kind = this.kinds.get(change.kind);
    if (!kind) throw new ConfigurationError(`the github provider has no kind ${change.kind}.`, { resource: resourceKey(change) });
    // Before the write, so that even one that fails half-way makes the next bulk read look again.
    const repos = changedRepositories(change);
    if (repos.length > 0) await this.markChanged(repos, change);
    try {
      await kind.apply(change, this.ctx);
    } catch (error) {
      throw toGitHubError(error, resourceKey(change), 'write');
    }
  }

  /**
   * Marks the repositories a write is about to change, so the next warm read reads them again.
   * Unmarked, a record would stand for what no longer is: the write waits for Redis instead,
   * failing as retryable when it cannot be marked.
   */
  private async markChanged(repos: string[], change: Change): Promise<void> {
    try {
      await this.ctx.live?.store.reposChanged(this.ctx.org, repos);
    } catch (error) {
      throw new RetryableError(`${resourceKey(change)}: not written, since the repositories it changes could not be marked for the next full run (${(error as Error).message}).`, { resource: resourceKey(change), cause: error });
    }
  }

  /** Each kind's own checks, and the teams, users and apps the config names must exist: diagnostics on their YAML lines. */
  async validate(resources: DesiredResource[]): Promise<Diagnostic[]> {
    return validateResources(this.ctx, this.kinds, resources);
  }

  async close(): Promise<void> {
    this.ctx.log.debug({ org: this.ctx.org, requests: { ...this.ctx.api.stats } }, 'github session closed');
  }
}
