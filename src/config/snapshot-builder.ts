import type { ConfigFiles, FileProblem } from './files.js';
import { formatBytes, MAX_FILE_BYTES, MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_FILES } from './limits.js';

/** The config repo's files, and the ones it could not hold (see FileProblem). */
class Snapshot extends Map<string, string> {
  problems: FileProblem[] = [];
}

const limitHint = 'see Limits in the README';

/**
 * Builds a config repo snapshot file by file, wherever the files come from (GitHub's tarball,
 * a working copy on disk), under the same limits: no more than MAX_SNAPSHOT_FILES files and
 * MAX_SNAPSHOT_BYTES in all (fatal: nothing is planned from a partial snapshot), no file over
 * MAX_FILE_BYTES (that file is a problem, its bytes are never buffered), and every file UTF-8
 * text (or a problem).
 */
export class SnapshotBuilder {
  private readonly files = new Snapshot();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private count = 0;
  private total = 0;
  private stopped: FileProblem | undefined;

  /** Whether to read a file of `size` bytes: `skip` records it as too large, `stop` ends the snapshot. */
  admit(path: string, size: number): 'read' | 'skip' | 'stop' {
    this.count += 1;
    this.total += size;
    if (this.count > MAX_SNAPSHOT_FILES) {
      return this.stop({ path, code: 'snapshot.too-many-files', fatal: true, message: `The config repo holds more than ${MAX_SNAPSHOT_FILES.toLocaleString('en-US')} files, the most Converge reads, so nothing was planned (${limitHint}).` });
    }
    if (this.total > MAX_SNAPSHOT_BYTES) return this.stopTooLarge(path, `The config repo's files add up to more than ${formatBytes(MAX_SNAPSHOT_BYTES)}`);
    if (size > MAX_FILE_BYTES) {
      this.files.problems.push({ path, code: 'file.too-large', message: `${path} is ${formatBytes(size)}, larger than the ${formatBytes(MAX_FILE_BYTES)} a config file may be, so it was not read (${limitHint}).` });
      return 'skip';
    }
    return 'read';
  }

  /** The bytes of a file `admit` said to read. */
  store(path: string, bytes: Uint8Array): void {
    try {
      this.files.set(path, this.decoder.decode(bytes));
    } catch {
      this.files.problems.push({ path, code: 'file.not-text', message: `${path} is not UTF-8 text, so it was not read.` });
    }
  }

  /** An archive already larger than the whole snapshot may be: nothing is unpacked. */
  archiveTooLarge(bytes: number): boolean {
    if (bytes <= MAX_SNAPSHOT_BYTES) return false;
    this.stopTooLarge('converge.yml', `The config repo's archive is ${formatBytes(bytes)}, more than the ${formatBytes(MAX_SNAPSHOT_BYTES)} a config repo may hold`);
    return true;
  }

  get isStopped(): boolean {
    return this.stopped !== undefined;
  }

  /** The snapshot: every file read, or, once a limit stopped it, nothing but that problem. */
  result(): ConfigFiles {
    if (!this.stopped) return this.files;
    const partial = new Snapshot();
    partial.problems.push(this.stopped);
    return partial;
  }

  private stopTooLarge(path: string, what: string): 'stop' {
    return this.stop({ path, code: 'snapshot.too-large', fatal: true, message: `${what}, so nothing was planned (${limitHint}).` });
  }

  private stop(problem: FileProblem): 'stop' {
    this.stopped ??= problem;
    return 'stop';
  }
}
