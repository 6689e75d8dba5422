import { formatBytes, MAX_FILE_BYTES } from './limits.js';

/**
 * A file the snapshot could not hold: too large, not UTF-8 text, or (fatal) the point where
 * the snapshot as a whole crossed a limit. A file that could not be read never means "absent".
 */
export interface FileProblem {
  path: string;
  code: string;
  message: string;
  /** The snapshot is incomplete: nothing in it may be planned from. */
  fatal?: boolean;
}

/** The config repo's files at one commit: path → text, and the files it could not read. */
export type ConfigFiles = ReadonlyMap<string, string> & { readonly problems?: readonly FileProblem[] };

/** Why `text` is too large to load, or undefined; the loader never parses a file past the limit. */
export function sizeProblem(path: string, text: string | undefined): FileProblem | undefined {
  // Characters never outnumber UTF-8 bytes, so most files skip counting bytes.
  if (text === undefined || text.length * 3 <= MAX_FILE_BYTES) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return { path, code: 'file.too-large', message: `${path} is ${formatBytes(bytes)}, larger than the ${formatBytes(MAX_FILE_BYTES)} a config file may be, so it was not read (see Limits in the README).` };
}
