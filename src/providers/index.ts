import { Registry } from '../core/registry.js';
import type { ProviderDeps } from './deps.js';
import { githubProvider } from './github/index.js';
import { postgresProvider } from './postgres/index.js';

/** Every provider Converge ships, registered explicitly in one place. */
export const providers = [githubProvider, postgresProvider];

export function createRegistry(): Registry<ProviderDeps> {
  return new Registry<ProviderDeps>(providers);
}
