import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { applyPlan, kindOrderFrom } from '../../../src/core/apply.js';
import { computePlan, type RemovedResource } from '../../../src/core/plan.js';
import type { Change, ChangeResult, Plan } from '../../../src/core/plan-types.js';
import type { ProviderSession } from '../../../src/core/provider.js';
import type { DesiredResource } from '../../../src/core/resource.js';
import { postgresProvider } from '../../../src/providers/postgres/index.js';
import { TargetSettings } from '../../../src/providers/postgres/schema.js';
import { desired } from '../../support/resources.js';

/** The cluster's superuser connection; tests never touch anything but their own prefix. */
export const ADMIN_URL = process.env.CONVERGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const URL_ENV = 'PG_TEST_URL';

const ident = pg.escapeIdentifier;

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export async function adminQuery<T extends pg.QueryResultRow = any>(sql: string, params: unknown[] = [], database?: string): Promise<T[]> {
  const client = new pg.Client(database ? urlFor(database) : ADMIN_URL);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A fresh database and a role-name prefix of its own, so test files run in parallel with
 * each other. Everything named with the prefix (databases and roles) is removed by `drop`.
 */
export interface TestTarget {
  prefix: string;
  database: string;
  env: Record<string, string>;
  settings(extra?: Record<string, unknown>): TargetSettings;
  connect(extra?: Record<string, unknown>, env?: Record<string, string>): Promise<ProviderSession>;
  drop(): Promise<void>;
}

export async function createTestTarget(): Promise<TestTarget> {
  const prefix = `cvt_${randomBytes(4).toString('hex')}_`;
  const database = `${prefix}db`;
  await adminQuery(`CREATE DATABASE ${ident(database)}`);
  const env = { [URL_ENV]: urlFor(database) };
  const settings = (extra: Record<string, unknown> = {}) => TargetSettings.parse({ connectionFromEnv: URL_ENV, databases: [`${prefix}*`], ...extra });
  return {
    prefix,
    database,
    env,
    settings,
    connect: (extra = {}, moreEnv = {}) =>
      postgresProvider.connect({ name: 'default', settings: settings(extra) }, { env: { ...env, ...moreEnv }, log: pino({ level: 'silent' }) }),
    async drop() {
      const databases = await adminQuery<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
      for (const { datname } of databases) await adminQuery(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`);
      const roles = await adminQuery<{ rolname: string }>('select rolname from pg_roles where starts_with(rolname, $1)', [prefix]);
      if (roles.length === 0) return;
      const list = roles.map((r) => ident(r.rolname)).join(', ');
      await adminQuery(`DROP OWNED BY ${list}`);
      await adminQuery(`DROP ROLE ${list}`);
    },
  };
}

/** A desired resource whose spec went through the kind's schema, as the loader would hand it. */
export function resource(kind: string, name: string, spec: Record<string, unknown>, extra: Partial<DesiredResource> = {}): DesiredResource {
  const definition = postgresProvider.kinds.find((k) => k.kind === kind);
  if (!definition) throw new Error(`unknown kind ${kind}`);
  const problem = definition.validateName?.(name);
  if (problem) throw new Error(problem);
  return desired(kind, name, definition.spec.parse(spec) as Record<string, unknown>, extra);
}

export function removed(kind: string, name: string): RemovedResource {
  return { kind, target: 'default', name, lifecycle: { retain: false, ignoreFields: [] }, owners: [] };
}

export function plan(session: ProviderSession, resources: DesiredResource[], options: { removed?: RemovedResource[]; full?: boolean } = {}): Promise<Plan> {
  return computePlan({
    desired: resources,
    removed: options.removed ?? [],
    ...(options.full ? { full: { kinds: postgresProvider.kinds.map((k) => k.kind), inScope: () => true } } : {}),
    kindOf: (kind) => postgresProvider.kinds.find((k) => k.kind === kind),
    session: () => session,
  });
}

export function apply(session: ProviderSession, p: Plan): Promise<ChangeResult[]> {
  return applyPlan(p, { session: () => session, kindOrder: kindOrderFrom(postgresProvider.kinds), backoffMs: 1 });
}

export const pending = (p: Plan): Change[] => p.changes.filter((c) => c.action !== 'noop');
export const failed = (results: ChangeResult[]) => results.filter((r) => r.status !== 'applied').map((r) => `${r.change.kind}/${r.change.name}: ${r.message}`);
