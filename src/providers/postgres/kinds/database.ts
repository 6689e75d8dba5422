import { applyDatabase } from '../apply.js';
import { nameCheck, type PostgresKind } from '../kind.js';
import { KIND } from '../names.js';
import { classifyDatabase } from '../risk.js';
import { Database } from '../schema.js';

export const databaseKind: PostgresKind<Database> = {
  kind: KIND.database,
  description: 'A database and its owner, named <database>.',
  spec: Database,
  renamable: true,
  classify: classifyDatabase,
  validateName: nameCheck(KIND.database),
  inDatabase: false,
  needs: { databases: true },
  readAll: (state) => state.databases(),
  apply: applyDatabase,
  importDefaults: () => ({ connectionLimit: -1 }),
};
