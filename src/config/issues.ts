import type { z } from 'zod';
import type { Diagnostic } from '../core/diagnostics.js';
import type { YamlDocument } from './yaml.js';

function describePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** Turn zod issues into diagnostics pointing at the YAML line of each offending value or key. */
export function issuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  doc: YamlDocument,
  prefix: readonly PropertyKey[],
  subject: string,
  resource?: string,
  locate: (path: readonly PropertyKey[], key?: string) => ReturnType<YamlDocument['locate']> = doc.locate,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const where = describePath([...path, key]);
        out.push({
          severity: 'error',
          code: 'schema.unknown-field',
          message: `${subject}: unknown field "${where}".`,
          location: locate(path, key),
          resource,
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
      resource,
    });
  }
  return out;
}
