import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/config/load.js';
import { Registry } from '../../../src/core/registry.js';
import { postgresProvider } from '../../../src/providers/postgres/index.js';
import { Role, TargetSettings } from '../../../src/providers/postgres/schema.js';

const registry = new Registry([postgresProvider]);

describe('postgres resources in a config repo', () => {
  it('loads several targets and every kind from YAML', () => {
    const files = new Map([
      ['converge.yml', 'providers:\n  postgres:\n    targets:\n      analytics: { connectionFromEnv: PG_ANALYTICS_URL, dropRole: { reassignOwnedTo: heir } }\n      billing: { connectionFromEnv: PG_BILLING_URL, ignore: { roles: ["legacy_*"] } }\n'],
      [
        'pg/analytics.yml',
        [
          'kind: postgres.role\nname: app\ntarget: analytics\nspec: { login: true, passwordFromEnv: PG_APP_PASSWORD, passwordVersion: 2, validUntil: "2030-01-01" }',
          'kind: postgres.role-membership\nname: readers/app\ntarget: analytics\nspec: { admin: false }',
          'kind: postgres.database\nname: analytics\ntarget: analytics\nspec: { owner: owner }',
          'kind: postgres.schema\nname: analytics/reporting\ntarget: analytics\nspec: { owner: owner }',
          'kind: postgres.database-grant\nname: analytics/app\ntarget: analytics\nspec: { privileges: [connect] }',
          'kind: postgres.schema-grant\nname: analytics/reporting/app\ntarget: analytics\nspec: { privileges: [USAGE] }',
          'kind: postgres.table-grant\nname: analytics/reporting/app\ntarget: analytics\nspec: { allTables: [SELECT] }',
          'kind: postgres.default-privileges\nname: analytics/reporting/owner/app\ntarget: analytics\nspec: { tables: [SELECT] }',
          'kind: postgres.role\nname: etl%2Fnightly\ntarget: billing\nspec: {}',
        ].join('\n---\n'),
      ],
    ]);
    const model = loadModel(files, registry);
    expect(model.diagnostics).toEqual([]);
    expect(model.resources).toHaveLength(9);
    expect([...model.targets.get('postgres')!.keys()]).toEqual(['analytics', 'billing']);
    expect(model.byKey.get('postgres.database-grant@analytics/analytics/app')!.spec).toEqual({ privileges: ['CONNECT'] });
  });

  it('reports unknown fields, bad names and bad settings on their lines', () => {
    const settings = loadModel(new Map([['converge.yml', 'providers:\n  postgres: { connectionFromEnv: "postgres://x" }\n']]), registry);
    expect(settings.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([['schema.invalid', 2]]);

    const files = new Map([
      ['converge.yml', 'providers:\n  postgres: { connectionFromEnv: PG_URL }\n'],
      ['pg.yml', 'kind: postgres.role\nname: app\nspec: { superuser: true }\n---\nkind: postgres.schema\nname: just-a-schema\nspec: {}\n'],
    ]);
    const codes = loadModel(files, registry).diagnostics.map((d) => [d.code, d.location?.file, d.location?.line]);
    expect(codes).toEqual([
      ['schema.unknown-field', 'pg.yml', 3],
      ['resource.name', 'pg.yml', 6],
    ]);
  });

  it('refuses, on their own lines, variables outside the PG_ and CONVERGE_SECRET_ prefixes', () => {
    const files = new Map([
      ['converge.yml', 'providers:\n  postgres:\n    targets:\n      main: { connectionFromEnv: PG_MAIN_URL }\n      stolen: { connectionFromEnv: REDIS_URL }\n'],
      [
        'roles.yml',
        [
          'kind: postgres.role\nname: ok\ntarget: main\nspec: { passwordFromEnv: CONVERGE_SECRET_OK_PASSWORD }',
          'kind: postgres.role\nname: thief\ntarget: main\nspec:\n  login: true\n  passwordFromEnv: PRIVATE_KEY',
          'kind: postgres.role\nname: other\ntarget: main\nspec: { passwordFromEnv: WEBHOOK_SECRET }',
        ].join('\n---\n'),
      ],
    ]);
    const diagnostics = loadModel(files, registry).diagnostics.map((d) => [d.code, d.location?.file, d.location?.line, d.message]);
    const rule = expect.stringContaining('must start with PG_ or CONVERGE_SECRET_');
    expect(diagnostics).toEqual([
      ['schema.invalid', 'converge.yml', 5, expect.stringMatching(/targets\.stolen\.connectionFromEnv" must start with PG_ or CONVERGE_SECRET_/)],
      ['schema.invalid', 'roles.yml', 11, rule],
      ['schema.invalid', 'roles.yml', 16, rule],
    ]);
    for (const name of ['PRIVATE_KEY', 'WEBHOOK_SECRET', 'REDIS_URL', 'APP_ID', 'GITHUB_CLIENT_SECRET', 'PGPASSWORD', 'DATABASE_URL']) {
      expect(TargetSettings.safeParse({ connectionFromEnv: name }).success, name).toBe(false);
      expect(Role.safeParse({ passwordFromEnv: name }).success, name).toBe(false);
    }
  });
});
