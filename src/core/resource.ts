import type { SourceLocation } from './diagnostics.js';

/**
 * Identity of a resource: provider-qualified kind, the provider target it lives in, and its
 * name (unique within kind and target). Child resources carry their parent in the name,
 * for example a label `api/bug` (repository `api`, label `bug`).
 */
export interface ResourceRef {
  kind: string;
  target: string;
  name: string;
}

export interface Lifecycle {
  /** Never delete this resource, even when it leaves the model and prune is on. */
  retain: boolean;
  /** Spec fields (dotted paths) that are never diffed nor written. */
  ignoreFields: string[];
}

/** A resource as the config repo declares it, after defaults and validation. */
export interface DesiredResource<Spec = Record<string, unknown>> extends ResourceRef {
  spec: Spec;
  previousNames: string[];
  lifecycle: Lifecycle;
  owners: string[];
  /** Where the resource document starts. */
  source: SourceLocation;
  /** Files besides `source.file` whose content contributed to the spec (defaults). */
  dependsOn: string[];
  /**
   * Where a spec field's value (dotted path) is declared when a defaults document sets it and
   * the resource's own document does not; undefined otherwise. Plans attribute such fields
   * to the defaults line.
   */
  locateField?(path: string): SourceLocation | undefined;
}

/** A resource as the live system reports it, normalised to the kind's spec shape. */
export interface ActualResource<Spec = Record<string, unknown>> extends ResourceRef {
  spec: Spec;
}

export const DEFAULT_TARGET = 'default';

export function resourceKey(ref: ResourceRef): string {
  return ref.target === DEFAULT_TARGET ? `${ref.kind}/${ref.name}` : `${ref.kind}@${ref.target}/${ref.name}`;
}

/** The ref a key names (`kind/name`, `kind@target/name`), or undefined when it names none. */
export function parseResourceKey(key: string): ResourceRef | undefined {
  const match = /^([a-z0-9-]+\.[a-z0-9-]+)(?:@([^/]+))?\/(.+)$/.exec(key);
  return match ? { kind: match[1]!, target: match[2] ?? DEFAULT_TARGET, name: match[3]! } : undefined;
}

export function refOf(resource: ResourceRef): ResourceRef {
  return { kind: resource.kind, target: resource.target, name: resource.name };
}

/** The provider part of a kind: `github.repository` → `github`. */
export function providerOf(kind: string): string {
  const dot = kind.indexOf('.');
  return dot === -1 ? kind : kind.slice(0, dot);
}
