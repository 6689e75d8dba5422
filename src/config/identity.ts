import type { Diagnostic } from '../core/diagnostics.js';
import type { ResourceKind } from '../core/provider.js';
import type { Registry } from '../core/registry.js';
import { resourceKey, type DesiredResource } from '../core/resource.js';
import { configError } from './diagnostic.js';

/** The key two resources share when the target sees them as one: the kind's name rule applied. */
function identityKey(kind: ResourceKind | undefined, ref: DesiredResource, name = ref.name): string {
  return resourceKey({ ...ref, name: kind?.nameKey ? kind.nameKey(name) : name });
}

/**
 * Resources by the name the target compares (GitHub: `Api` and `api` are one repository):
 * the second declaration of one identity is a duplicate, never a second resource.
 */
export class Identities {
  private readonly byIdentity = new Map<string, DesiredResource>();

  constructor(private readonly registry: Registry) {}

  /** Claim the resource's identity; a diagnostic naming the first declaration when it is taken. */
  claim(kind: ResourceKind, resource: DesiredResource, label: string): Diagnostic | undefined {
    const identity = identityKey(kind, resource);
    const first = this.byIdentity.get(identity);
    if (!first) {
      this.byIdentity.set(identity, resource);
      return undefined;
    }
    const same = first.name === resource.name ? '' : ` as "${first.name}" (${kind.nameRule ?? 'the target sees both names as one'})`;
    return configError('resource.duplicate', `${label} is declared twice: first at ${first.source.file}:${first.source.line}${same}, again here.`, resource.source, label);
  }

  /** A previous name must not be a declared resource of its own, nor claimed by two resources. */
  checkPreviousNames(resources: readonly DesiredResource[]): Diagnostic[] {
    const out: Diagnostic[] = [];
    const claimed = new Map<string, DesiredResource>();
    for (const resource of resources) {
      for (const previous of resource.previousNames) {
        const key = identityKey(this.registry.kind(resource.kind), resource, previous);
        const label = `${resource.kind}/${resource.name}`;
        const declared = this.byIdentity.get(key);
        if (declared && declared !== resource) {
          out.push(configError('resource.previous-name-declared', `${label}: previous name "${previous}" is also declared as a resource of its own.`, resource.source, label));
        }
        const other = claimed.get(key);
        if (other && other !== resource) {
          out.push(configError('resource.previous-name-twice', `${label}: previous name "${previous}" is also claimed by ${other.kind}/${other.name}.`, resource.source, label));
        }
        claimed.set(key, resource);
      }
    }
    return out;
  }
}
