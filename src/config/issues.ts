import type { z } from 'zod';
import type { Diagnostic, SourceLocation } from '../core/diagnostics.js';
import { knownFields } from './known-fields.js';
import { suggest } from './suggest.js';
import type { YamlDocument } from './yaml.js';

/** Past this many, known fields are not listed: the hint would be longer than the problem. */
const MAX_LISTED_FIELDS = 12;

/** What was checked, so an issue can be told in the user's terms and pointed at their line. */
export interface IssueSource {
  /** The schema that raised the issues, and the value it checked: where known fields come from. */
  schema: z.core.$ZodType;
  input: unknown;
  doc: YamlDocument;
  /** Where `input` sits in the document (`['spec']` for a resource's spec). */
  prefix?: readonly PropertyKey[];
  /** How each message starts: the file and what in it (`w.yml: mem.widget/x`). */
  subject: string;
  resource?: string;
  locate?: (path: readonly PropertyKey[], key?: string) => SourceLocation;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** What the user likely meant by an unknown field: the closest known one, else the list of them. */
function unknownFieldHint(key: string, known: readonly string[] | undefined): string {
  if (known === undefined) return '.';
  if (known.length === 0) return '; no fields are allowed here.';
  const near = suggest(key, known);
  if (near) return `; did you mean "${near}"?`;
  return known.length <= MAX_LISTED_FIELDS ? `; known fields: ${known.join(', ')}.` : '.';
}

/** Turn zod issues into diagnostics pointing at the YAML line of each offending value or key. */
export function issuesToDiagnostics(issues: readonly z.core.$ZodIssue[], source: IssueSource): Diagnostic[] {
  const { doc, prefix = [], subject, resource, locate = doc.locate } = source;
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownFields(source.schema, source.input, issue.path);
      for (const key of issue.keys) {
        out.push({
          severity: 'error',
          code: 'schema.unknown-field',
          message: `${subject}: unknown field "${describePath([...path, key])}"${unknownFieldHint(key, known)}`,
          location: locate(path, key),
          ...(resource ? { resource } : {}),
        });
      }
      continue;
    }
    const where = path.length > 0 ? `"${describePath(path)}"` : 'the document';
    const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
    const what = missing
      ? `is required (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`
      : issue.message.replace(/^Invalid input: /, 'is invalid: ');
    out.push({
      severity: 'error',
      code: missing ? 'schema.missing-field' : 'schema.invalid',
      message: `${subject}: ${where} ${what}.`.replace(/\.\.$/, '.'),
      location: locate(path),
      ...(resource ? { resource } : {}),
    });
  }
  return out;
}

/** The top-level fields issues are about; undefined when one is about the value as a whole. */
function brokenFields(issues: readonly z.core.$ZodIssue[]): Set<string> | undefined {
  const fields = new Set<string>();
  for (const issue of issues) {
    if (issue.path.length > 0) fields.add(String(issue.path[0]));
    else if (issue.code === 'unrecognized_keys') for (const key of issue.keys) fields.add(key);
    else return undefined;
  }
  return fields;
}

/**
 * A mapping that failed `schema`, read again without the top-level fields its issues are about
 * (those take their defaults), so the rest of it can still be checked in the same load; undefined
 * when an issue is about the whole value, `keep` refuses the broken fields, or the rest fails too.
 */
export function parseWithoutBroken<T extends z.ZodType>(
  schema: T,
  value: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
  keep: (broken: ReadonlySet<string>) => boolean = () => true,
): { data: z.output<T>; broken: string[] } | undefined {
  const broken = brokenFields(issues);
  if (!broken || !keep(broken)) return undefined;
  const result = schema.safeParse(Object.fromEntries(Object.entries(value).filter(([key]) => !broken.has(key))));
  return result.success ? { data: result.data, broken: [...broken] } : undefined;
}
