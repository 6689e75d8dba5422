import { closest, distance } from 'fastest-levenshtein';

/**
 * The known word a typo most likely meant, for "did you mean" hints: the one it abbreviates,
 * else the nearest by edit distance when that is close (at most 2 edits, or a third of the
 * word) and not a rewrite of the whole word; undefined when nothing is that close.
 */
export function suggest(word: string, known: readonly string[]): string | undefined {
  const abbreviated = known.filter((k) => k.startsWith(word));
  if (word.length > 0 && abbreviated.length === 1) return abbreviated[0];
  if (known.length === 0) return undefined;
  const near = closest(word, [...known]);
  const edits = distance(word, near);
  return edits <= Math.max(2, Math.floor(word.length / 3)) && edits < word.length ? near : undefined;
}
