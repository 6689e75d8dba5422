import type { Logger } from 'pino';
import pg from 'pg';
// pg's own connection-string parser gives a config object whose `database` can be swapped,
// which a connection string cannot do safely.
import { parseIntoClientConfig } from 'pg-connection-string';
import { ConfigurationError } from '../../core/errors.js';
import { makeRedactor, toPostgresError, type ErrorContext } from './errors.js';
import type { TargetSettings } from './schema.js';

/** Key of the main pool; a database name cannot contain NUL, so it never collides. */
const MAIN = '\u0000main';

export type Queryable = Pick<pg.Pool, 'query'>;

/** Who we are connected as, read once when the target is connected. */
export interface Identity {
  currentUser: string;
  sessionUser: string;
  /** The bootstrap superuser (OID 10), `postgres` on most clusters. */
  bootstrapSuperuser: string;
  /** The database the connection string names: cluster-wide statements run there. */
  database: string;
}

/**
 * The pools of one target: one for the connection string's database, opened at connect,
 * and one per other database whose schemas or grants a job reads or changes, opened on
 * first use. Every error leaving here names the target and is redacted.
 */
export class Connection implements ErrorContext {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly secrets = new Set<string>();
  readonly redact: (text: string) => string;

  private constructor(
    readonly target: string,
    readonly envName: string,
    private readonly base: pg.ClientConfig,
    private readonly settings: TargetSettings,
    private readonly log: Logger,
    public identity: Identity,
  ) {
    this.redact = makeRedactor(() => this.secrets);
  }

  static async open(target: string, settings: TargetSettings, env: Readonly<Record<string, string | undefined>>, log: Logger): Promise<Connection> {
    const envName = settings.connectionFromEnv;
    const connectionString = env[envName];
    if (!connectionString) {
      throw new ConfigurationError(`postgres target "${target}": environment variable ${envName} is not set (it must hold the connection string).`);
    }
    let base: pg.ClientConfig;
    try {
      base = parseIntoClientConfig(connectionString);
    } catch {
      throw new ConfigurationError(`postgres target "${target}": the connection string in ${envName} cannot be parsed (expected postgres://user:password@host:port/database).`);
    }
    const placeholder: Identity = { currentUser: '', sessionUser: '', bootstrapSuperuser: '', database: base.database ?? '' };
    const connection = new Connection(target, envName, base, settings, log, placeholder);
    connection.addSecret(connectionString);
    if (typeof base.password === 'string') connection.addSecret(base.password);
    // Node's own texts put the address as host:port; the phrases in errors.ts leave it out too.
    if (base.host) connection.addSecret(`${base.host}:${base.port ?? 5432}`);
    try {
      const { rows } = await connection.pool().query<{ current_user: string; session_user: string; bootstrap: string; database: string }>(
        `select current_user, session_user, current_database() as database,
                (select rolname from pg_catalog.pg_roles where oid = 10) as bootstrap`,
      );
      const row = rows[0]!;
      connection.identity = {
        currentUser: row.current_user,
        sessionUser: row.session_user,
        bootstrapSuperuser: row.bootstrap,
        database: row.database,
      };
    } catch (error) {
      await connection.close();
      throw toPostgresError(error, connection, { while: 'connecting', connecting: true });
    }
    return connection;
  }

  /** Values that must never appear in a message (passwords set during the job). */
  addSecret(secret: string): void {
    this.secrets.add(secret);
  }

  /** The pool of `database` (default: the connection string's). */
  pool(database?: string): pg.Pool {
    const main = database === undefined || database === this.identity.database;
    const key = main ? MAIN : database;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        ...this.base,
        ...(main ? {} : { database }),
        max: 2,
        idleTimeoutMillis: 10_000,
        connectionTimeoutMillis: this.settings.connectTimeoutMs,
        lock_timeout: this.settings.lockTimeoutMs,
        application_name: 'converge',
      });
      // An idle client losing its server must not crash the process; the next query reports it.
      pool.on('error', (error) => this.log.warn({ target: this.target, database, err: this.redact(error.message) }, 'postgres idle connection failed'));
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Close the pool of one database (before renaming or dropping it: it must have no sessions). */
  async release(database: string): Promise<void> {
    if (database === this.identity.database) return;
    const pool = this.pools.get(database);
    if (!pool) return;
    this.pools.delete(database);
    await pool.end();
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }
}

/** Run `work` in one transaction on `pool`; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
