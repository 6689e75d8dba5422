import type { Diagnostic } from '../core/diagnostics.js';
import type { ResourceKind } from '../core/provider.js';
import type { Registry } from '../core/registry.js';
import { resourceKey, type DesiredResource } from '../core/resource.js';
import { configError } from './diagnostic.js';

/** What a declaration is known by: enough to compare it and to name where it is. */
export type Declaration = Pick<DesiredResource, 'kind' | 'target' | 'name' | 'previousNames' | 'source'>;

/** The key two resources share when the target sees them as one: the kind's name rule applied. */
function identityKey(kind: ResourceKind | undefined, ref: Declaration, name = ref.name): string {
  return resourceKey({ ...ref, name: kind?.nameKey ? kind.nameKey(name) : name });
}

function at(declaration: Declaration): string {
  return `${declaration.source.file}:${declaration.source.line}`;
}

/**
 * Declarations by the name the target compares (GitHub: `Api` and `api` are one repository):
 * the second declaration of one identity is a duplicate, never a second resource. A
 * declaration claims its name whatever else is wrong with it, so a duplicate is reported in
 * the same load as the other problems of either declaration, not once they are fixed.
 */
export class Identities {
  private readonly byIdentity = new Map<string, Declaration>();

  constructor(private readonly registry: Registry) {}

  /** Claim the declaration's identity; a diagnostic naming both declarations when it is taken. */
  claim(kind: ResourceKind, declaration: Declaration, label: string): Diagnostic | undefined {
    const identity = identityKey(kind, declaration);
    const first = this.byIdentity.get(identity);
    if (!first) {
      this.byIdentity.set(identity, declaration);
      return undefined;
    }
    const same = first.name === declaration.name ? '' : ` as "${first.name}" (${kind.nameRule ?? 'the target sees both names as one'})`;
    return configError('resource.duplicate', `${label} is declared twice: first at ${at(first)}${same}, again at ${at(declaration)}.`, declaration.source, label);
  }

  /** No claimed declaration's previous name may be a declared resource of its own, nor claimed by two. */
  checkPreviousNames(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const claimed = new Map<string, Declaration>();
    for (const declaration of this.byIdentity.values()) {
      const label = `${declaration.kind}/${declaration.name}`;
      const subject = `${declaration.source.file}: ${label}`;
      for (const previous of declaration.previousNames) {
        const key = identityKey(this.registry.kind(declaration.kind), declaration, previous);
        const declared = this.byIdentity.get(key);
        if (declared && declared !== declaration) {
          out.push(configError('resource.previous-name-declared', `${subject}: previous name "${previous}" is also declared as a resource of its own, at ${at(declared)}.`, declaration.source, label));
        }
        const other = claimed.get(key);
        if (other && other !== declaration) {
          out.push(configError('resource.previous-name-twice', `${subject}: previous name "${previous}" is also claimed by ${other.kind}/${other.name}, at ${at(other)}.`, declaration.source, label));
        }
        claimed.set(key, declaration);
      }
    }
    return out;
  }
}
