import type { Identity } from './connection.js';
import type { TargetSettings } from './schema.js';
import { globMatcher } from './sql.js';

/** Roles created by initdb have OIDs below FirstNormalObjectId. */
const FIRST_NORMAL_OID = 16384;
const SYSTEM_DATABASES = new Set(['template0', 'template1']);
const SYSTEM_SCHEMAS = new Set(['information_schema']);

/**
 * What this target may read and touch. System objects (pg_* roles and schemas, the role we
 * connect as, the bootstrap superuser, template databases, information_schema) and objects
 * matching the ignore patterns are never read as resources nor changed; each check returns
 * the sentence explaining why, or undefined when the object is manageable.
 */
export class Scope {
  private readonly systemRoles: Set<string>;
  private readonly ignoredRole: (name: string) => boolean;
  private readonly ignoredDatabase: (name: string) => boolean;
  private readonly ignoredSchema: (name: string) => boolean;
  private readonly contentDatabase: (name: string) => boolean;

  constructor(
    settings: TargetSettings,
    private readonly identity: Identity,
  ) {
    this.systemRoles = new Set(['postgres', identity.currentUser, identity.sessionUser, identity.bootstrapSuperuser]);
    this.ignoredRole = globMatcher(settings.ignore.roles);
    this.ignoredDatabase = globMatcher(settings.ignore.databases);
    this.ignoredSchema = globMatcher(settings.ignore.schemas);
    this.contentDatabase = settings.databases ? globMatcher(settings.databases) : () => true;
  }

  roleProblem(name: string, oid?: number): string | undefined {
    if (name.startsWith('pg_') || this.systemRoles.has(name) || (oid !== undefined && oid < FIRST_NORMAL_OID)) {
      return name === this.identity.currentUser
        ? `role "${name}" is the role Converge connects as; it is never managed`
        : `role "${name}" is a system role; it is never managed`;
    }
    if (this.ignoredRole(name)) return `role "${name}" matches ignore.roles of this target`;
    return undefined;
  }

  databaseProblem(name: string): string | undefined {
    if (SYSTEM_DATABASES.has(name)) return `database "${name}" is a system database; it is never managed`;
    if (this.ignoredDatabase(name)) return `database "${name}" matches ignore.databases of this target`;
    return undefined;
  }

  /** Whether schemas, grants and default privileges inside `database` are in reach. */
  contentProblem(database: string): string | undefined {
    const problem = this.databaseProblem(database);
    if (problem) return problem;
    if (!this.contentDatabase(database)) return `database "${database}" is not listed in the databases setting of this target`;
    return undefined;
  }

  schemaProblem(name: string): string | undefined {
    if (name.startsWith('pg_') || SYSTEM_SCHEMAS.has(name)) return `schema "${name}" is a system schema; it is never managed`;
    if (this.ignoredSchema(name)) return `schema "${name}" matches ignore.schemas of this target`;
    return undefined;
  }
}
