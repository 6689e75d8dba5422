import type { Diagnostic } from '../../../src/core/diagnostics.js';
import type { Change, FieldChange, Plan } from '../../../src/core/plan-types.js';
import { DEFAULT_TARGET } from '../../../src/core/resource.js';

export function change(kind: string, name: string, action: Change['action'], fields: FieldChange[] = [], extra: Partial<Change> = {}): Change {
  return {
    kind,
    target: DEFAULT_TARGET,
    name,
    action,
    fields,
    origin: action === 'delete' ? 'removed' : 'model',
    owners: [],
    source: { file: `${kind}/${name}.yml`, line: 3, column: 1 },
    ...extra,
  };
}

export function plan(changes: Change[], extra: Partial<Plan> = {}): Plan {
  return { changes, diagnostics: [], readFailures: [], ...extra };
}

export function error(line: number, message = 'unknown field', severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { severity, code: 'schema.unknown-field', message, location: { file: 'repos/api.yml', line, column: 5 } };
}

/** Many changes of every action, as a large org's first plan would have. */
export function manyChanges(count: number, name = (i: number) => `repo-${i}`): Change[] {
  const actions: Change['action'][] = ['create', 'update', 'rename', 'delete', 'noop'];
  return Array.from({ length: count }, (_, i) => {
    const action = actions[i % actions.length]!;
    const fields: FieldChange[] =
      action === 'delete' || action === 'noop'
        ? []
        : [
            { path: 'description', before: action === 'create' ? undefined : `old ${i}`, after: `new description ${i}` },
            { path: 'topics', before: ['a'], after: ['a', 'b', `t${i}`] },
          ];
    return change('github.repository', name(i), action, fields, action === 'rename' ? { fromName: `old-${i}` } : {});
  });
}

/** The rows of the Markdown tables in `markdown`, each split into cells on unescaped pipes. */
export function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split(/(?<!\\)\|/).slice(1, -1));
}

/** Markdown with backslash escapes resolved: the text a reader sees. */
export function visible(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
