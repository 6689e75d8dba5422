import { applySchema } from '../apply.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifySchema } from '../risk.js';
import { Schema } from '../schema.js';

export const schemaKind: PostgresKind<Schema> = {
  kind: KIND.schema,
  description: 'A schema and its owner, named <database>/<schema>.',
  spec: Schema,
  renamable: true,
  classify: classifySchema,
  validateName: nameCheck(KIND.schema),
  inDatabase: true,
  needs: {},
  readAll: (state) => state.schemas(),
  apply: applySchema,
  // Since PostgreSQL 15 a new database's `public` belongs to pg_database_owner (a role no spec may name).
  importDefaults: (name) => (name.slice(name.indexOf('/') + 1) === 'public' ? { owner: 'pg_database_owner' } : {}),
};
