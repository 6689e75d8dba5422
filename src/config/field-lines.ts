/**
 * The YAML line a policy violation is about, for its annotation: the line of the matched field
 * (`visibility: public`), where a defaults document sets it when it does, else the resource's
 * declaring line. A plan only knows where each resource starts, so the resource's file is
 * parsed again here, once per file, and only for the few changes that violate a rule.
 */
import type { SourceLocation } from '../core/diagnostics.js';
import type { RuleViolation } from '../core/rules.js';
import type { ConfigFiles } from './files.js';
import { parseYamlFile, type YamlDocument } from './yaml.js';

/** The violations with `location` set where a line can be named; a deletion has none at head. */
export function locateViolations(violations: readonly RuleViolation[], files: ConfigFiles): RuleViolation[] {
  const parsed = new Map<string, YamlDocument[]>();
  const documentsOf = (file: string): YamlDocument[] => {
    let docs = parsed.get(file);
    if (!docs) {
      const text = files.get(file);
      parsed.set(file, (docs = text === undefined ? [] : parseYamlFile(file, text).documents));
    }
    return docs;
  };
  const locate = (v: RuleViolation): SourceLocation | undefined => {
    const { change, field } = v;
    if (field?.source) return field.source;
    // A removed resource's line is at the base commit: nothing at head to mark.
    if (!change.source || change.action === 'delete' || change.origin === 'removed') return undefined;
    if (!field) return change.source;
    const doc = documentsOf(change.source.file).find((d) => d.start.line === change.source!.line);
    if (!doc) return change.source;
    const parts = field.path.split('.');
    // The key's line (`visibility:`), or the first line of the nearest parent the document declares.
    const at = doc.locate(['spec', ...parts.slice(0, -1)], parts.at(-1));
    return at.endLine !== undefined && at.endLine !== at.line ? { file: at.file, line: at.line, column: at.column } : at;
  };
  return violations.map((v) => {
    const location = locate(v);
    return location ? { ...v, location } : v;
  });
}
