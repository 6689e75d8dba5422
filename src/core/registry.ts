import type { Provider, ResourceKind } from './provider.js';
import { providerOf } from './resource.js';

/** The one place providers are looked up. Built from an explicit list, checked on creation. */
export class Registry<Deps = unknown> {
  readonly providers: ReadonlyMap<string, Provider<any, Deps>>;
  private readonly kindMap = new Map<string, ResourceKind>();

  constructor(providers: Provider<any, Deps>[]) {
    const map = new Map<string, Provider<any, Deps>>();
    for (const provider of providers) {
      if (map.has(provider.name)) throw new Error(`provider ${provider.name} is registered twice`);
      map.set(provider.name, provider);
      for (const kind of provider.kinds) {
        if (providerOf(kind.kind) !== provider.name) {
          throw new Error(`kind ${kind.kind} must be prefixed with its provider name ${provider.name}.`);
        }
        if (this.kindMap.has(kind.kind)) throw new Error(`kind ${kind.kind} is registered twice`);
        this.kindMap.set(kind.kind, kind);
      }
    }
    this.providers = map;
  }

  provider(name: string): Provider<any, Deps> | undefined {
    return this.providers.get(name);
  }

  kind(kind: string): ResourceKind | undefined {
    return this.kindMap.get(kind);
  }

  kinds(): ResourceKind[] {
    return [...this.kindMap.values()];
  }
}
