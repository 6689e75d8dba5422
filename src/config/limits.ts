/**
 * The bounds on what a config repo may hold. A pull request's author controls the YAML the
 * plan job loads, so every stage that could grow faster than its input (unpacking, alias
 * expansion, defaults fan-out, locating a problem) is bounded here, and crossing a bound is a
 * diagnostic naming the file, never a worker out of memory. The README's "Limits" lists them.
 */

const MiB = 1024 * 1024;

/** Largest file Converge reads from the config repo. */
export const MAX_FILE_BYTES = 1 * MiB;

/** Most files (of any type) the config repo's tarball may hold. */
export const MAX_SNAPSHOT_FILES = 20_000;

/** Most bytes the config repo's tarball may unpack to, every file counted. */
export const MAX_SNAPSHOT_BYTES = 64 * MiB;

/** Most alias uses of a collection in one YAML document. */
export const MAX_ALIASES = 1_000;

/** Most values aliases may add to one document beyond those written out. */
export const MAX_ALIAS_VALUES = 100_000;

/** Most text aliases may add to one document beyond the file's own size. */
export const MAX_ALIAS_BYTES = 1 * MiB;

/** Deepest nesting of one value (js-yaml's own bound is the same). */
export const MAX_DEPTH = 100;

/** Most values one resource's spec may hold once its defaults are merged in. */
export const MAX_SPEC_VALUES = 50_000;

/** Most values the whole model may hold once defaults are merged into every resource. */
export const MAX_MODEL_VALUES = 5_000_000;

/**
 * Largest document re-parsed with positions to point a problem at its exact line; beyond
 * this a problem points at the document's first line (re-parsing costs about 1 s per MiB).
 */
export const MAX_LOCATE_BYTES = 128 * 1024;

export function formatBytes(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
