import type { Provider } from '../../core/provider.js';
import type { ProviderDeps } from '../deps.js';
import { Connection } from './connection.js';
import { POSTGRES_KINDS } from './kinds/index.js';
import { TargetSettings } from './schema.js';
import { Scope } from './scope.js';
import { PostgresSession } from './session.js';

/** In dependency order: creates run top to bottom, deletions bottom to top. */
export const postgresKinds = POSTGRES_KINDS;

export const postgresProvider: Provider<TargetSettings, ProviderDeps> = {
  name: 'postgres',
  kinds: [...postgresKinds],
  targetSettings: TargetSettings,
  async connect(target, deps) {
    const log = deps.log.child({ provider: 'postgres', target: target.name });
    const connection = await Connection.open(target.name, target.settings, deps.env, log);
    const scope = new Scope(target.settings, connection.identity);
    return new PostgresSession({ connection, scope, settings: target.settings, env: deps.env, log });
  },
};
