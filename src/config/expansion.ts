/**
 * How big a parsed YAML value really is. Both parsers resolve an alias to the very object its
 * anchor made, so a "billion laughs" document loads cheaply as a graph of shared nodes, then
 * explodes in whatever walks it as a tree (defaults merge, schema validation, diff, render).
 * Measuring the tree size over the graph, memoised by identity, is linear in what was parsed.
 */
import { MAX_ALIAS_BYTES, MAX_ALIASES, MAX_ALIAS_VALUES, MAX_DEPTH } from './limits.js';

export interface Expansion {
  /** Values (collections and scalars) the document holds once every alias is copied out. */
  values: number;
  /** Characters of keys and strings once every alias is copied out. */
  chars: number;
}

export type ExpansionProblem =
  | { code: 'yaml.alias-cycle'; message: string }
  | { code: 'yaml.alias-limit'; message: string }
  | { code: 'yaml.too-deep'; message: string };

class Stop extends Error {
  constructor(readonly problem: ExpansionProblem) {
    super(problem.message);
  }
}

/**
 * Measure `value`; a problem when its aliases form a cycle, are used more than MAX_ALIASES
 * times, or add more than MAX_ALIAS_VALUES values or MAX_ALIAS_BYTES (beyond `writtenChars`,
 * the size of the text it came from) of text.
 */
export function measureExpansion(value: unknown, writtenChars: number): Expansion | ExpansionProblem {
  const memo = new Map<object, Expansion>();
  const open = new Set<object>();
  let aliases = 0;
  let written = 0;
  const charLimit = writtenChars + MAX_ALIAS_BYTES;

  const visit = (node: unknown, depth: number): Expansion => {
    if (node === null || typeof node !== 'object') {
      written++;
      return { values: 1, chars: typeof node === 'string' ? node.length : 0 };
    }
    if (open.has(node)) throw new Stop({ code: 'yaml.alias-cycle', message: 'an alias refers to a value that contains it, so it never ends' });
    const seen = memo.get(node);
    if (seen) {
      if (++aliases > MAX_ALIASES) throw new Stop({ code: 'yaml.alias-limit', message: `aliases are used more than ${MAX_ALIASES} times` });
      return seen;
    }
    if (depth > MAX_DEPTH) throw new Stop({ code: 'yaml.too-deep', message: `values are nested deeper than ${MAX_DEPTH} levels` });
    open.add(node);
    written++;
    const total: Expansion = { values: 1, chars: 0 };
    const entries: Iterable<[string, unknown]> = Array.isArray(node) ? node.map((v) => ['', v] as [string, unknown]) : Object.entries(node);
    for (const [key, child] of entries) {
      const inner = visit(child, depth + 1);
      total.values += inner.values;
      total.chars += inner.chars + key.length;
    }
    open.delete(node);
    memo.set(node, total);
    // Checked as the graph is walked, so a bomb stops at the first level that crosses the bound.
    if (total.values - written > MAX_ALIAS_VALUES) {
      throw new Stop({ code: 'yaml.alias-limit', message: `aliases expand it by more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values` });
    }
    if (total.chars > charLimit) throw new Stop({ code: 'yaml.alias-limit', message: 'aliases expand its text by more than 1 MiB' });
    return total;
  };

  try {
    return visit(value, 0);
  } catch (error) {
    if (error instanceof Stop) return error.problem;
    throw error;
  }
}

export function isExpansionProblem(result: Expansion | ExpansionProblem): result is ExpansionProblem {
  return 'code' in result;
}
