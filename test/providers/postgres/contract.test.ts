import pg from 'pg';
import { providerContract } from '../../contract/provider-contract.js';
import { postgresProvider } from '../../../src/providers/postgres/index.js';
import { adminQuery, createTestTarget, resource } from './harness.js';

const PASSWORD_ENV = 'PG_TEST_READER_PASSWORD';

providerContract('postgres', async () => {
  const target = await createTestTarget();
  const { prefix: p, database: db } = target;
  // Tables are the application's, not Converge's: the fixture creates them.
  await adminQuery('CREATE TABLE public.sales (id int); CREATE TABLE public.events (id int)', [], db);
  const [owner, reader, writer, group, solo] = ['owner', 'reader', 'writer', 'group', 'solo'].map((n) => `${p}${n}`) as [string, string, string, string, string];

  const roles = (readerLimit: number) => [
    resource('postgres.role', owner, { login: false }),
    resource('postgres.role', reader, { login: true, connectionLimit: readerLimit, validUntil: '2099-01-01', passwordFromEnv: PASSWORD_ENV }),
    resource('postgres.role', writer, { login: true, inherit: true }),
    resource('postgres.role', group, {}),
  ];
  const initial = [
    ...roles(5),
    resource('postgres.role', solo, { createdb: true }),
    resource('postgres.role-membership', `${group}/${reader}`, { admin: false }),
    resource('postgres.database', `${p}extra`, { owner }),
    resource('postgres.schema', `${db}/reporting`, { owner }),
    resource('postgres.schema', `${db}/staging`, {}),
    resource('postgres.database-grant', `${db}/${reader}`, { privileges: ['CONNECT'] }),
    resource('postgres.schema-grant', `${db}/reporting/${reader}`, { privileges: ['USAGE'] }),
    resource('postgres.table-grant', `${db}/public/${reader}`, { allTables: ['SELECT'] }),
    resource('postgres.default-privileges', `${db}/reporting/${owner}/${reader}`, { tables: ['SELECT'] }),
  ];
  const changedWithout = (renamed: boolean) => [
    ...roles(10),
    resource('postgres.role', renamed ? `${solo}2` : solo, { createdb: true }, renamed ? { previousNames: [solo] } : {}),
    resource('postgres.role-membership', `${group}/${reader}`, { admin: true }),
    resource('postgres.database', renamed ? `${p}extra2` : `${p}extra`, { owner, connectionLimit: 3 }, renamed ? { previousNames: [`${p}extra`] } : {}),
    resource('postgres.schema', `${db}/reporting`, { owner: writer }),
    resource('postgres.schema', renamed ? `${db}/staging2` : `${db}/staging`, {}, renamed ? { previousNames: [`${db}/staging`] } : {}),
    resource('postgres.database-grant', `${db}/${reader}`, { privileges: ['connect', 'temp'] }),
    resource('postgres.schema-grant', `${db}/reporting/${reader}`, { privileges: ['USAGE', 'CREATE'] }),
    resource('postgres.table-grant', `${db}/public/${reader}`, { allTables: ['SELECT'], tables: { sales: ['INSERT'] } }),
    resource('postgres.default-privileges', `${db}/reporting/${owner}/${reader}`, { tables: ['SELECT', 'INSERT'], sequences: ['USAGE'] }),
  ];

  return {
    provider: postgresProvider,
    connect: () => target.connect({}, { [PASSWORD_ENV]: 'correct horse battery staple' }),
    initial,
    changed: changedWithout(false),
    renamed: changedWithout(true),
    driftOne: async () => {
      await adminQuery(`GRANT TEMPORARY ON DATABASE ${pg.escapeIdentifier(db)} TO ${pg.escapeIdentifier(reader)}`);
    },
    teardown: () => target.drop(),
  };
});
